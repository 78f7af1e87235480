package org.opencdp.kit.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one validation-error shape (issue 14): {@code errors: [{pointer, message}]}, pointers per RFC 6901. */
class InvalidFieldTest {

    @Test
    void shouldEscapeTildeAndSlashInPointerTokens() {
        assertThat(InvalidField.pointerTo("purposes", 0)).isEqualTo("/purposes/0");
        assertThat(InvalidField.pointerTo("identifiers", "ios.idfa", "limit")).isEqualTo("/identifiers/ios.idfa/limit");
        assertThat(InvalidField.pointerTo("a/b", "~c")).isEqualTo("/a~1b/~0c");
        assertThat(InvalidField.pointerTo(new Object[0])).as("the whole body").isEmpty();
    }

    @Test
    void shouldTurnBeanValidationPropertyPathsIntoPointers() {
        assertThat(InvalidField.pointerOfPropertyPath("identifier.type")).isEqualTo("/identifier/type");
        assertThat(InvalidField.pointerOfPropertyPath("profileIds[3]")).isEqualTo("/profileIds/3");
        assertThat(InvalidField.pointerOfPropertyPath("purposes[email].status")).isEqualTo("/purposes/email/status");
        assertThat(InvalidField.pointerOfPropertyPath("")).isEmpty();
    }

    @Test
    void shouldThrowAValidationProblemListingEveryErrorWhenAnyWasAdded() {
        new ValidationErrors().throwIfAny();

        ValidationErrors errors = new ValidationErrors().add("/a", "is required").add("/b/0", "must be positive");
        assertThatThrownBy(errors::throwIfAny).isInstanceOfSatisfying(CdpException.class, e -> {
            assertThat(e.code()).isEqualTo("validation_failed");
            assertThat(e.properties()).containsEntry("errors",
                    List.of(new InvalidField("/a", "is required"), new InvalidField("/b/0", "must be positive")));
        });
    }
}
