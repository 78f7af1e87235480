package org.opencdp.profile.computed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.opencdp.conditions.Leaf;
import org.opencdp.conditions.Operator;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.InvalidField;

class DefinitionParserTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void shouldReadAFullDefinition() {
        ComputedTraitDefinition definition = parse("""
                {"key": "big_orders_30d", "name": "Big orders", "aggregation": "sum", "event": "Order Completed",
                 "property": "total", "where": [{"property": "total", "op": "gte", "value": 50},
                 {"property": "product.sku", "op": "exists"}], "within": "P30D"}""");

        assertThat(definition.key()).isEqualTo("big_orders_30d");
        assertThat(definition.aggregation()).isEqualTo(Aggregation.sum);
        assertThat(definition.propertyPath()).containsExactly("total");
        assertThat(definition.where()).extracting(Leaf::op).containsExactly(Operator.gte, Operator.exists);
        assertThat(definition.where().get(1).path().segments()).containsExactly("product", "sku");
        assertThat(definition.window()).isEqualTo(Duration.ofDays(30));
        assertThat(definition.status()).isEqualTo(ComputedTraitDefinition.Status.backfilling);
    }

    @Test
    void shouldDefaultTheNameToTheKeyAndTakeCountWithoutProperty() {
        ComputedTraitDefinition definition = parse("{\"key\": \"orders\", \"aggregation\": \"count\", \"event\": \"Order Completed\"}");

        assertThat(definition.name()).isEqualTo("orders");
        assertThat(definition.property()).isNull();
        assertThat(definition.window()).isNull();
        assertThat(definition.where()).isEmpty();
    }

    @Test
    void shouldNameTheOffendingMemberOfAnInvalidDefinition() {
        String valid = "\"key\": \"k\", \"aggregation\": \"sum\", \"event\": \"E\", \"property\": \"total\"";
        record Case(String body, String path) {
        }
        for (Case c : List.of(
                new Case("[]", ""),
                new Case("{\"aggregation\": \"count\", \"event\": \"E\"}", "/key"),
                new Case("{\"key\": \"9lives\", \"aggregation\": \"count\", \"event\": \"E\"}", "/key"),
                new Case("{\"key\": 5, \"aggregation\": \"count\", \"event\": \"E\"}", "/key"),
                new Case("{\"key\": \"k\", \"aggregation\": \"median\", \"event\": \"E\"}", "/aggregation"),
                new Case("{\"key\": \"k\", \"aggregation\": \"count\", \"event\": \"  \"}", "/event"),
                new Case("{\"key\": \"k\", \"aggregation\": \"sum\", \"event\": \"E\"}", "/property"),
                new Case("{\"key\": \"k\", \"aggregation\": \"count\", \"event\": \"E\", \"property\": \"x\"}", "/property"),
                new Case("{" + valid.replace("total", "a..b") + "}", "/property"),
                new Case("{" + valid + ", \"within\": \"P1M\"}", "/within"),
                new Case("{" + valid + ", \"where\": {}}", "/where"),
                new Case("{" + valid + ", \"where\": [5]}", "/where/0"),
                new Case("{" + valid + ", \"where\": [{\"property\": \"x\", \"op\": \"eq\", \"value\": 1},"
                        + " {\"property\": \"x\", \"op\": \"like\", \"value\": 1}]}", "/where/1/op"),
                new Case("{" + valid + ", \"where\": [{\"op\": \"eq\", \"value\": 1}]}", "/where/0/property"),
                new Case("{" + valid + ", \"where\": [{\"property\": \"x\", \"op\": \"eq\"}]}", "/where/0/value"),
                new Case("{" + valid + ", \"where\": [{\"property\": \"x\", \"op\": \"gt\", \"value\": true}]}",
                        "/where/0/value"),
                new Case("{" + valid + ", \"where\": [{\"property\": \"x\", \"op\": \"in\", \"value\": []}]}",
                        "/where/0/value"),
                new Case("{" + valid + ", \"where\": [{\"property\": \"x\", \"op\": \"contains\", \"value\": [1]}]}",
                        "/where/0/value"),
                new Case("{" + valid + ", \"where\": [{\"property\": \"x\", \"op\": \"exists\", \"value\": 1}]}",
                        "/where/0/value"),
                new Case("{" + valid + ", \"name\": \"a\\u0000\"}", "/name"),
                new Case("{" + valid.replace("\"E\"", "\"E\\u0000\"") + "}", "/event"),
                new Case("{" + valid.replace("total", "to\\u0000tal") + "}", "/property"),
                new Case("{" + valid + ", \"where\": [{\"property\": \"x\\u0000\", \"op\": \"exists\"}]}",
                        "/where/0/property"),
                new Case("{" + valid + ", \"where\": [{\"property\": \"x\", \"op\": \"eq\", \"value\": \"\\u0000\"}]}",
                        "/where/0/value"),
                new Case("{" + valid + ", \"where\": [{\"property\": \"x\", \"op\": \"in\", \"value\": [0, 1e999999]}]}",
                        "/where/0/value/1"))) {
            CdpException problem = catchThrowableOfType(CdpException.class, () -> parse(c.body()));
            assertThat(problem).as(c.body()).isNotNull();
            assertThat(problem.code()).isEqualTo("invalid_computed_trait");
            assertThat(problem.properties().get("errors")).as(c.body()).asInstanceOf(InstanceOfAssertFactories.LIST)
                    .extracting(error -> ((InvalidField) error).pointer()).containsExactly(c.path());
        }
    }

    private static ComputedTraitDefinition parse(String body) {
        return DefinitionParser.parse("ws", MessageCodec.mapper().readTree(body), NOW);
    }
}
