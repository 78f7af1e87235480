package org.opencdp.consent.privacy;

import java.util.Arrays;
import java.util.Optional;
import org.opencdp.contracts.PrivacyCommandIssued.Command;

/** What a privacy request asks; each constant is its API value. */
enum PrivacyRequestType {
    /** Remove the person from every service. */
    ERASE(Command.ERASE, false),
    /** Gather what every service holds on the person into one export. */
    ACCESS(Command.EXPORT, false),
    /**
     * Refuse the person's identifiers at ingestion from now on, keeping their data. The contract has
     * no command for it yet, so it travels as an {@code EXPORT} with {@code suppress} (the one
     * command that changes no data); the exports the services send back are not kept.
     */
    SUPPRESS(Command.EXPORT, true),
    /** Erase, and refuse the person's identifiers at ingestion from now on. */
    ERASE_AND_SUPPRESS(Command.ERASE, true);

    static final String VALUES = "ERASE, ACCESS, SUPPRESS, ERASE_AND_SUPPRESS";

    private final Command command;
    private final boolean suppress;

    PrivacyRequestType(Command command, boolean suppress) {
        this.command = command;
        this.suppress = suppress;
    }

    Command command() {
        return command;
    }

    boolean suppress() {
        return suppress;
    }

    /** Whether the services' exports make up this request's answer. */
    boolean exports() {
        return this == ACCESS;
    }

    static Optional<PrivacyRequestType> of(String value) {
        return Arrays.stream(values()).filter(type -> type.name().equals(value)).findFirst();
    }
}
