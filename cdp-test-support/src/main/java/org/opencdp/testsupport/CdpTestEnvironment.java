package org.opencdp.testsupport;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension giving each test class its own {@link TestInfrastructure}: started before the
 * class (or on first use by the Spring context), closed after it. Use through {@link
 * CdpIntegrationTest}.
 */
public final class CdpTestEnvironment implements BeforeAllCallback, AfterAllCallback {

    private static TestInfrastructure current;

    /** The infrastructure of the running test class, started if needed. */
    public static synchronized TestInfrastructure current() {
        if (current == null) {
            current = TestInfrastructure.start();
        }
        return current;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        current();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        synchronized (CdpTestEnvironment.class) {
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }
}
