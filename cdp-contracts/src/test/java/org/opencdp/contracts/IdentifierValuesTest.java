package org.opencdp.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one normal form of identifiers (issue 14): what identity, profile, consent and ingestion all apply. */
class IdentifierValuesTest {

    @Test
    void shouldTrimAndLowerCaseEmailsAndRefuseImplausibleOnes() {
        assertThat(IdentifierValues.normalise("email", "  Jane.Doe+News@Example.COM ", null, 512))
                .contains("jane.doe+news@example.com");
        assertThat(IdentifierValues.normalise("email", "jane@localhost", null, 512)).isEmpty();
        assertThat(IdentifierValues.normalise("email", "two@@example.com", null, 512)).isEmpty();
        assertThat(IdentifierValues.normalise("email", "jane doe@example.com", null, 512)).isEmpty();
        assertThat(IdentifierValues.normalise("email", "jane@example..com", null, 512)).isEmpty();
    }

    @Test
    void shouldFormatPhonesAsE164AndNeedARegionForNationalNumbers() {
        assertThat(IdentifierValues.normalise("phone", "+1 (650) 253-0000", null, 512)).contains("+16502530000");
        assertThat(IdentifierValues.normalise("phone", "+1-650-253-0000", null, 512)).contains("+16502530000");
        assertThat(IdentifierValues.normalise("phone", "(650) 253-0000", null, 512)).isEmpty();
        assertThat(IdentifierValues.normalise("phone", "+1 555", null, 512)).isEmpty();
        assertThat(IdentifierValues.normalise("phone", "call me", null, 512)).isEmpty();
        assertThat(IdentifierValues.normalise("phone", "(650) 253-0000", "US", 512)).contains("+16502530000");
        assertThat(IdentifierValues.normalise("phone", "+49 30 1234567", "US", 512)).contains("+49301234567");
    }

    @Test
    void shouldTrimOtherValuesAndKeepTheirCase() {
        assertThat(IdentifierValues.normalise("user_id", "  U-1 ", null, 512)).contains("U-1");
        assertThat(IdentifierValues.normalise("ios.idfa", "6D92078A-8246-4BA4-AE5B-76104861E7DC", null, 512))
                .contains("6D92078A-8246-4BA4-AE5B-76104861E7DC");
        assertThat(IdentifierValues.normalise("anonymous_id", "   ", null, 512)).isEmpty();
        assertThat(IdentifierValues.normalise("anonymous_id", null, null, 512)).isEmpty();
    }

    @Test
    void shouldRefuseValuesLongerThanTheMaximumAfterTrimming() {
        assertThat(IdentifierValues.normalise("device_id", "d".repeat(20), null, 19)).isEmpty();
        assertThat(IdentifierValues.normalise("device_id", " " + "d".repeat(19) + " ", null, 19)).contains("d".repeat(19));
    }

    @Test
    void shouldAcceptDottedAndDashedTypeNamesLowerCased() {
        assertThat(IdentifierTypes.normalise(" iOS.IDFA ")).contains("ios.idfa");
        assertThat(IdentifierTypes.normalise("hubspot-id")).contains("hubspot-id");
        assertThat(IdentifierTypes.normalise("user id")).isEmpty();
        assertThat(IdentifierTypes.normalise(".idfa")).isEmpty();
        assertThat(IdentifierTypes.normalise("x".repeat(65))).isEmpty();
        assertThat(IdentifierTypes.normalise(null)).isEmpty();
    }

    @Test
    void shouldNormaliseTypeAndValueTogetherWithoutARegion() {
        assertThat(Identifier.normalised("EMAIL", " Ada@Example.com", 255)).contains(new Identifier("email", "ada@example.com"));
        assertThat(Identifier.normalised("Phone", "+44 20 7946 0958", 255)).contains(new Identifier("phone", "+442079460958"));
        assertThat(Identifier.normalised("ios.idfa", " AB-12 ", 255)).contains(new Identifier("ios.idfa", "AB-12"));
        assertThat(Identifier.normalised("user id", "x", 255)).isEmpty();
    }
}
