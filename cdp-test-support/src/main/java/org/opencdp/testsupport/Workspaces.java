package org.opencdp.testsupport;

import java.util.concurrent.ThreadLocalRandom;

/** Workspace ids for tests: each test takes a fresh one, so tests sharing a service never see each other's data. */
public final class Workspaces {

    private Workspaces() {
    }

    /** A workspace id no other test uses, e.g. {@code ws_3f9a2c71d04e8b15}. */
    public static String fresh() {
        return "ws_" + String.format("%016x", ThreadLocalRandom.current().nextLong());
    }
}
