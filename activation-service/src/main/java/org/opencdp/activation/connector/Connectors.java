package org.opencdp.activation.connector;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.opencdp.kit.problem.CdpException;
import org.springframework.stereotype.Component;

/** Every {@link Connector} of the service, by destination type. */
@Component
public class Connectors {

    private final Map<String, Connector> byType;

    public Connectors(List<Connector> connectors) {
        this.byType = connectors.stream().collect(Collectors.toMap(Connector::type, Function.identity(),
                (a, b) -> {
                    throw new IllegalStateException("Two connectors for type " + a.type());
                }, TreeMap::new));
    }

    /** Every supported destination type, sorted: the bounded values of the {@code destination_type} metric tag. */
    public Set<String> types() {
        return byType.keySet();
    }

    public Optional<Connector> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    /** The connector of {@code type}; a {@code 400 unsupported_destination_type} problem when there is none. */
    public Connector require(String type) {
        return find(type).orElseThrow(() -> CdpException.badRequest("unsupported_destination_type",
                        "Destination type '" + type + "' is not supported; supported types: "
                                + String.join(", ", byType.keySet()) + ".")
                .with("supportedTypes", List.copyOf(byType.keySet())));
    }
}
