package org.opencdp.activation.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 13 (SSRF): which addresses destinations may reach. */
class NetworkPolicyTest {

    private final NetworkPolicy publicOnly = NetworkPolicy.publicOnly();

    @Test
    void shouldRefuseEveryNonPublicRangeIncludingIpv6FormsOfIpv4() throws Exception {
        List<String> forbidden = List.of("127.0.0.1", "127.255.0.9", "::1", "0.0.0.0", "::", "0.1.2.3",
                "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1", "100.127.255.254",
                "169.254.169.254", "169.254.0.1", "fe80::1", "fc00::1", "fd12:3456::1", "fd00:ec2::254",
                "224.0.0.1", "255.255.255.255", "240.0.0.1", "192.0.2.10", "198.18.0.1",
                "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "::10.0.0.1",
                "64:ff9b::a00:1", "64:ff9b::7f00:1", "2002:7f00:1::", "2002:a9fe:a9fe::1", "ff02::1");
        for (String address : forbidden) {
            assertThat(publicOnly.refusal("h", addresses(address))).as(address).isPresent();
        }
    }

    @Test
    void shouldAllowPublicAddresses() throws Exception {
        for (String address : List.of("93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1",
                "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808")) {
            assertThat(publicOnly.refusal("h", addresses(address))).as(address).isEmpty();
        }
    }

    @Test
    void shouldRefuseANameWhenAnyOfItsAddressesIsForbiddenAndNameTheKindNotTheAddress() throws Exception {
        assertThat(publicOnly.refusal("mixed.example", addresses("93.184.215.14", "10.0.0.5")))
                .hasValue("'mixed.example' resolves to a private address; destinations may reach public addresses only");
        assertThat(publicOnly.refusal("h", addresses("127.0.0.1")).orElseThrow()).contains("loopback")
                .doesNotContain("127.0.0.1");
        assertThat(publicOnly.refusal("h", addresses("100.64.1.1")).orElseThrow()).contains("carrier-grade NAT");
        assertThat(publicOnly.refusal("h", new InetAddress[0])).isPresent();
    }

    @Test
    void shouldAllowListedBlocksAndHostsButNeverCloudMetadata() throws Exception {
        NetworkPolicy policy = NetworkPolicy.allowing(List.of("127.0.0.0/8", "::1", "receiver.local", " ",
                "169.254.0.0/16", "fd00::/8"));

        assertThat(policy.refusal("h", addresses("127.0.0.1", "::1"))).isEmpty();
        assertThat(policy.refusal("h", addresses("::ffff:127.0.0.2"))).isEmpty();
        assertThat(policy.refusal("h", addresses("10.0.0.1"))).isPresent();
        assertThat(policy.refusal("Receiver.Local.", addresses("10.0.0.1"))).isEmpty();
        assertThat(policy.refusal("h", addresses("169.254.1.1"))).isEmpty();
        for (String metadata : List.of("169.254.169.254", "::ffff:169.254.169.254", "fd00:ec2::254")) {
            assertThat(policy.refusal("h", addresses(metadata)).orElseThrow()).as(metadata).contains("metadata");
            assertThat(policy.refusal("receiver.local", addresses(metadata))).as(metadata).isPresent();
        }
        assertThat(NetworkPolicy.allowing(List.of("0.0.0.0/0", "::/0")).refusal("h", addresses("169.254.169.254")))
                .isPresent();
    }

    @Test
    void shouldRefuseAllowEntriesThatAreNeitherBlocksAddressesNorHosts() {
        for (String entry : List.of("10.0.0.0/33", "10.0.0.0/x", "not a host", "::1/129", "1.2.3.4.5/8")) {
            assertThatThrownBy(() -> NetworkPolicy.allowing(List.of(entry))).as(entry)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldCheckWhatTheResolverAnswersSoTheConnectionUsesTheCheckedAddresses() throws Exception {
        InetAddress[][] answer = {addresses("93.184.215.14")};
        PublicAddressResolver resolver = new PublicAddressResolver(host -> answer[0], publicOnly);

        assertThat(resolver.resolve("rebind.example")).containsExactly(addresses("93.184.215.14"));
        answer[0] = addresses("127.0.0.1");
        assertThatThrownBy(() -> resolver.resolve("rebind.example")).isInstanceOf(ForbiddenAddressException.class);
        assertThat(resolver.refusal("rebind.example")).isPresent();
        PublicAddressResolver unknown = new PublicAddressResolver(host -> {
            throw new UnknownHostException(host);
        }, publicOnly);
        assertThat(unknown.refusal("nowhere.example")).hasValue("'nowhere.example' does not resolve");
    }

    private static InetAddress[] addresses(String... literals) throws UnknownHostException {
        InetAddress[] out = new InetAddress[literals.length];
        for (int i = 0; i < literals.length; i++) {
            out[i] = InetAddress.getByName(literals[i]);
        }
        return out;
    }
}
