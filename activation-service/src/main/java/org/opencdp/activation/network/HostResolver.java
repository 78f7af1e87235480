package org.opencdp.activation.network;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Turns a host name (or an address literal) into addresses: the system's resolver unless a test replaces it. */
@FunctionalInterface
public interface HostResolver {

    InetAddress[] resolve(String host) throws UnknownHostException;

    /** The JVM's resolver ({@link InetAddress#getAllByName}). */
    static HostResolver system() {
        return InetAddress::getAllByName;
    }
}
