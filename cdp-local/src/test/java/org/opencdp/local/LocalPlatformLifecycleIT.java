package org.opencdp.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;

/**
 * Starting and stopping {@link LocalPlatform}: ports released on close, a failed start named and
 * cleaned up. One platform at a time (two in the same consumer groups would rebalance each other).
 */
@ExtendWith(CdpTestEnvironment.class)
class LocalPlatformLifecycleIT {

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @Test
    void shouldReleaseEveryPortWhenClosed() throws IOException {
        Map<PlatformService, Integer> own = LocalPlatformIT.freePorts();

        LocalPlatform platform = LocalPlatform.start(LocalPlatformIT.settings(infrastructure, own));
        for (PlatformService service : PlatformService.values()) {
            assertThat(PortCheck.inUse(own.get(service))).as(service + " listening").isTrue();
        }
        platform.close();

        for (PlatformService service : PlatformService.values()) {
            assertThat(PortCheck.inUse(own.get(service))).as(service + " port released").isFalse();
        }
    }

    @Test
    void shouldNameTheServiceThatCannotStartAndStopTheOthers() throws IOException {
        Map<PlatformService, Integer> own = LocalPlatformIT.freePorts();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
            own.put(PlatformService.PROFILE, taken.getLocalPort());

            assertThatThrownBy(() -> LocalPlatform.start(LocalPlatformIT.settings(infrastructure, own)))
                    .isInstanceOfSatisfying(LocalPlatform.ServiceStartException.class,
                            e -> assertThat(e.service()).isEqualTo(PlatformService.PROFILE))
                    .hasMessageStartingWith("profile-service did not start: ");
        }
        for (PlatformService service : PlatformService.values()) {
            if (service != PlatformService.PROFILE) {
                assertThat(PortCheck.inUse(own.get(service))).as(service + " stopped, port released").isFalse();
            }
        }
    }
}
