package org.opencdp.local;

import java.io.PrintStream;
import org.opencdp.kit.security.TokenIssuer;

/**
 * The {@code ./cdp} launcher: {@code up} runs the whole platform on this machine with nothing but a
 * JDK (embedded Kafka and PostgreSQL, data in {@code .cdp/}); {@code token} prints a bearer token
 * for the local secret; {@code logs} follows the log file; {@code status} shows each service's health, lag and backlog; {@code help} prints the usage. See {@link CommandLine#USAGE}.
 */
public final class CdpLocal {

    private CdpLocal() {
    }

    public static void main(String[] args) {
        LauncherLogging.consoleOnly();
        int exitCode = run(System.out, System.err, args);
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    /** Runs one command; returns the exit code ({@code up} returns only when it failed to start). */
    static int run(PrintStream out, PrintStream err, String... args) {
        try {
            Command command = CommandLine.parse(args);
            switch (command) {
                case Command.Help help -> out.print(CommandLine.USAGE);
                case Command.Token token -> out.println(token(token));
                case Command.Up up -> new PlatformLauncher(up, out).run();
                case Command.Status status -> {
                    if (!new PlatformStatus().print(status.ports(), out)) {
                        return LauncherException.FAILURE;
                    }
                }
                case Command.Logs logs -> new LogFollower(new DataDirectory(logs.dataDir()).logFile(), logs.service(),
                        out).run(logs.lines(), logs.follow());
            }
            return 0;
        } catch (LauncherException e) {
            err.println(e.getMessage());
            return e.exitCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return LauncherException.FAILURE;
        } catch (Exception e) {
            err.println("cdp failed: " + e);
            e.printStackTrace(err);
            return LauncherException.FAILURE;
        }
    }

    /** A token for the command's workspace and scopes, signed with the secret in its data directory. */
    static String token(Command.Token command) throws java.io.IOException {
        String secret = new DataDirectory(command.dataDir()).readSecret();
        return new TokenIssuer(secret).issue(command.workspace(), command.scopes(), "cdp-cli", command.ttl());
    }
}
