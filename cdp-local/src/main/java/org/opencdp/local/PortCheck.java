package org.opencdp.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Finds, before anything starts, the ports the launcher wants that something else already holds. */
final class PortCheck {

    /** A port the launcher needs, and who needs it (e.g. {@code profile-service}, {@code --profile-port}). */
    record WantedPort(int port, String wantedBy, String option) {
    }

    private PortCheck() {
    }

    /**
     * The ports of {@code up}: Kafka (client and controller), PostgreSQL and the six services.
     * Fails when two of them are the same port.
     */
    static List<WantedPort> wantedBy(Command.Up up) {
        List<WantedPort> wanted = new ArrayList<>();
        wanted.add(new WantedPort(up.kafkaPort(), "the embedded Kafka broker", "--kafka-port"));
        wanted.add(new WantedPort(up.kafkaControllerPort(), "the embedded Kafka controller (Kafka port + 1)",
                "--kafka-port"));
        wanted.add(new WantedPort(up.postgresPort(), "the embedded PostgreSQL", "--postgres-port"));
        for (PlatformService service : PlatformService.values()) {
            wanted.add(new WantedPort(up.ports().get(service), service.serviceName(),
                    "--" + service.shortName() + "-port"));
        }
        Map<Integer, WantedPort> byPort = new LinkedHashMap<>();
        for (WantedPort each : wanted) {
            WantedPort clash = byPort.putIfAbsent(each.port(), each);
            if (clash != null) {
                throw new LauncherException("Port " + each.port() + " is wanted twice: by " + clash.wantedBy()
                        + " and by " + each.wantedBy() + ". Give one of them another port (" + each.option() + ").",
                        LauncherException.USAGE);
            }
        }
        return wanted;
    }

    /** The wanted ports that are already in use, in the order given. */
    static List<WantedPort> taken(List<WantedPort> wanted) {
        return wanted.stream().filter(each -> inUse(each.port())).toList();
    }

    /** A message naming each taken port, who wanted it and how to move it. */
    static String describe(List<WantedPort> taken) {
        StringBuilder message = new StringBuilder();
        for (WantedPort each : taken) {
            message.append("Port ").append(each.port()).append(" is already in use; ").append(each.wantedBy())
                    .append(" wanted it. Stop what uses it, or choose another port with ").append(each.option())
                    .append(".\n");
        }
        return message.toString().stripTrailing();
    }

    /**
     * Whether something listens on {@code port}: it accepts a connection on the loopback address,
     * or the port cannot be bound on every interface (as Tomcat binds it).
     */
    static boolean inUse(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException refused) {
            // nobody answers on loopback; still try to bind, as the server will
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
