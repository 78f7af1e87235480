package org.opencdp.consent.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.JsonNode;

class CategoryPreferencesTest {

    @Test
    void shouldReadEachPurposeAndItsBoolean() {
        var consent = CategoryPreferences.from(context("""
                {"consent": {"categoryPreferences": {"marketing": true, "analytics": false}}}"""), 100);

        assertThat(consent.preferences()).containsExactly(
                java.util.Map.entry("marketing", true), java.util.Map.entry("analytics", false));
        assertThat(consent.ignored()).isEmpty();
    }

    @Test
    void shouldIgnoreInvalidKeysAndNonBooleanValuesButKeepTheRest() {
        var consent = CategoryPreferences.from(context("""
                {"consent": {"categoryPreferences": {"Marketing Emails": true, "ads": "yes", "email": true}}}"""), 100);

        assertThat(consent.preferences()).containsOnlyKeys("email");
        assertThat(consent.ignored()).hasSize(2)
                .anySatisfy(reason -> assertThat(reason).contains("invalid purpose key 'Marketing Emails'"))
                .anySatisfy(reason -> assertThat(reason).contains("'ads' is not true or false"));
    }

    @Test
    void shouldFindNothingWhenTheEventCarriesNoConsent() {
        assertThat(CategoryPreferences.from(context("{\"page\": {}}"), 100).preferences()).isEmpty();
        assertThat(CategoryPreferences.from(null, 100).preferences()).isEmpty();
        assertThat(CategoryPreferences.from(context("{\"consent\": {\"categoryPreferences\": null}}"), 100)
                .ignored()).isEmpty();
    }

    @Test
    void shouldReportPreferencesThatAreNotAnObject() {
        var consent = CategoryPreferences.from(context("{\"consent\": {\"categoryPreferences\": [\"marketing\"]}}"), 100);

        assertThat(consent.preferences()).isEmpty();
        assertThat(consent.ignored()).containsExactly("categoryPreferences is not an object");
    }

    @Test
    void shouldStopAtTheLimitOfPurposesPerEvent() {
        var consent = CategoryPreferences.from(context("""
                {"consent": {"categoryPreferences": {"a": true, "b": true, "c": false}}}"""), 2);

        assertThat(consent.preferences()).containsOnlyKeys("a", "b");
        assertThat(consent.ignored()).singleElement().asString().contains("'c' beyond the limit of 2");
    }

    private static JsonNode context(String json) {
        return MessageCodec.mapper().readTree(json);
    }
}
