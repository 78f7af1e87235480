package org.opencdp.activation.network;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.hc.client5.http.DnsResolver;

/**
 * Resolves a destination's host and checks every address against the {@link NetworkPolicy}, in one
 * step: the HTTP client connects to exactly the addresses checked here (pinned), so a name that
 * resolves to a public address when checked and to an internal one a moment later (DNS rebinding)
 * never reaches the internal one.
 */
public final class PublicAddressResolver implements DnsResolver {

    private final HostResolver resolver;
    private final NetworkPolicy policy;

    public PublicAddressResolver(HostResolver resolver, NetworkPolicy policy) {
        this.resolver = resolver;
        this.policy = policy;
    }

    /**
     * The addresses of {@code host}, every one allowed by the policy.
     *
     * @throws ForbiddenAddressException when any of them is not
     * @throws UnknownHostException when {@code host} does not resolve
     */
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String name = NetworkPolicy.normalHost(host);
        InetAddress[] addresses = resolver.resolve(name);
        Optional<String> refusal = policy.refusal(name, addresses == null ? new InetAddress[0] : addresses);
        if (refusal.isPresent()) {
            throw new ForbiddenAddressException(refusal.get());
        }
        return addresses.clone();
    }

    @Override
    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
        return Arrays.stream(resolve(host)).map(address -> new InetSocketAddress(address, port)).toList();
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        // never used for connecting; answering the name itself avoids a reverse lookup
        resolve(host);
        return NetworkPolicy.normalHost(host);
    }

    /** Why {@code host} may not be reached (it resolves to a forbidden address, or not at all); empty when it may. */
    public Optional<String> refusal(String host) {
        try {
            resolve(host);
            return Optional.empty();
        } catch (ForbiddenAddressException e) {
            return Optional.of(e.getMessage());
        } catch (UnknownHostException e) {
            return Optional.of("'" + NetworkPolicy.normalHost(host) + "' does not resolve");
        }
    }
}
