package org.opencdp.local;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opencdp.kit.security.JwtVerifier;

/** Parses the launcher's arguments ({@code --name value} or {@code --name=value}) into a {@link Command}. */
final class CommandLine {

    static final String USAGE = """
            Usage: ./cdp <command> [options]

            Commands:
              up       Start an embedded Kafka and PostgreSQL (data kept in .cdp/) and the six services;
                       Ctrl-C stops everything.
              token    Print a bearer token signed with the local secret.
              logs     Follow the platform's log (./cdp logs identity: one service's lines only).
              status   Each service's health, consumer lag and outbox backlog (exit code 1 unless all UP).
              bench    Measure the whole platform end to end (./cdp bench --help lists its options).
              faults   Run the fault suite (faults/README.md): kill -9 of each service, Kafka and PostgreSQL
                       outages and a destination outage, under load; about an hour with the default outages.
              help     Show this help.

            Options of up:
              --data-dir DIR          where data, logs and the secret are kept (default .cdp in the repository)
              --fresh                 wipe the data directory first
              --json                  structured logs: one JSON object per line (with a "service" field)
              --kafka-port N          Kafka's client port (default 19092; the KRaft controller uses N+1)
              --postgres-port N       PostgreSQL's port (default 54329)
              --ingestion-port N      likewise --identity-port, --profile-port, --segmentation-port,
                                      --activation-port, --consent-port (defaults 8081-8086)

            Options of logs:  ./cdp logs [ingestion|identity|profile|segmentation|activation|consent|cdp]
              --lines N               how many of the last lines to show first (default 50)
              --no-follow             print them and stop instead of following new lines
              --data-dir DIR          where the logs are (default .cdp in the repository)

            Options of status:
              --ingestion-port N      likewise the other services' ports, as for up (defaults 8081-8086)

            Options of faults: Maven options, passed on as they are, e.g.
              -Dit.test=KafkaRestartFaultIT       one test class only
              -Dfaults.destination-outage=PT5M    the destination's outage (default PT30M)
              -Dfaults.postgres-outage=PT30S      PostgreSQL's outage (default PT2M)

            Options of token:
              --workspace W           workspace id (required), e.g. demo
              --scopes "S1 S2"        space-separated scopes (default: all management scopes)
              --ttl D                 lifetime: 90s, 30m, 24h, 7d or ISO-8601 such as PT2H (default 24h)
              --data-dir DIR          where the secret is (default .cdp in the repository)

            Examples:
              ./cdp up
              ./cdp up --fresh
              ./cdp logs segmentation
              ./cdp status
              ./cdp token --workspace demo --scopes "profiles:read segments:write" --ttl 1h
              ./cdp bench --rates 500,1000,2000,4000 --step-duration 30s
              ./cdp faults -Dfaults.destination-outage=PT5M
            """;

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)([smhd])");
    private static final Pattern SERVICE_PORT = Pattern.compile("([a-z]+)-port");

    private CommandLine() {
    }

    static Command parse(String... args) {
        if (args.length == 0) {
            return new Command.Help();
        }
        Deque<String> rest = new ArrayDeque<>(List.of(args).subList(1, args.length));
        return switch (args[0]) {
            case "up" -> parseUp(rest);
            case "token" -> parseToken(rest);
            case "logs" -> parseLogs(rest);
            case "status" -> parseStatus(rest);
            case "help", "--help", "-h" -> new Command.Help();
            default -> throw usage("Unknown command '" + args[0] + "'");
        };
    }

    private static Command.Up parseUp(Deque<String> args) {
        Path dataDir = Command.defaultDataDir();
        boolean fresh = false;
        boolean json = false;
        int kafkaPort = Command.DEFAULT_KAFKA_PORT;
        int postgresPort = Command.DEFAULT_POSTGRES_PORT;
        Map<PlatformService, Integer> ports = new EnumMap<>(LocalPlatformSettings.defaultPorts());
        while (!args.isEmpty()) {
            Option option = Option.next(args);
            switch (option.name()) {
                case "data-dir" -> dataDir = Path.of(option.value(args));
                case "fresh" -> fresh = option.flag();
                case "json" -> json = option.flag();
                case "kafka-port" -> kafkaPort = port(option, args);
                case "postgres-port" -> postgresPort = port(option, args);
                default -> {
                    Matcher matcher = SERVICE_PORT.matcher(option.name());
                    PlatformService service = matcher.matches() ? service(matcher.group(1)) : null;
                    if (service == null) {
                        throw usage("Unknown option --" + option.name() + " for up");
                    }
                    ports.put(service, port(option, args));
                }
            }
        }
        return new Command.Up(dataDir, fresh, kafkaPort, postgresPort, ports, json);
    }

    private static Command.Status parseStatus(Deque<String> args) {
        Map<PlatformService, Integer> ports = new EnumMap<>(LocalPlatformSettings.defaultPorts());
        while (!args.isEmpty()) {
            Option option = Option.next(args);
            Matcher matcher = SERVICE_PORT.matcher(option.name());
            PlatformService service = matcher.matches() ? service(matcher.group(1)) : null;
            if (service == null) {
                throw usage("Unknown option --" + option.name() + " for status");
            }
            ports.put(service, port(option, args));
        }
        return new Command.Status(ports);
    }

    private static Command.Logs parseLogs(Deque<String> args) {
        Path dataDir = Command.defaultDataDir();
        String service = null;
        int lines = 50;
        boolean follow = true;
        if (!args.isEmpty() && !args.peekFirst().startsWith("--")) {
            service = logTag(args.removeFirst());
        }
        while (!args.isEmpty()) {
            Option option = Option.next(args);
            switch (option.name()) {
                case "data-dir" -> dataDir = Path.of(option.value(args));
                case "lines" -> lines = count(option, args);
                case "no-follow" -> follow = !option.flag();
                default -> throw usage("Unknown option --" + option.name() + " for logs");
            }
        }
        return new Command.Logs(dataDir, service, lines, follow);
    }

    /** A service's short or full name ({@code identity}, {@code identity-service}), or {@code cdp}. */
    private static String logTag(String name) {
        String shortName = name.endsWith("-service") ? name.substring(0, name.length() - "-service".length()) : name;
        if (shortName.equals(LauncherLogging.LAUNCHER_TAG) || service(shortName) != null) {
            return shortName;
        }
        List<String> known = new java.util.ArrayList<>();
        for (PlatformService each : PlatformService.values()) {
            known.add(each.shortName());
        }
        known.add(LauncherLogging.LAUNCHER_TAG);
        throw usage("No service '" + name + "'; logs takes one of " + String.join(", ", known));
    }

    private static int count(Option option, Deque<String> args) {
        String value = option.value(args);
        try {
            int count = Integer.parseInt(value);
            if (count < 0) {
                throw usage("--" + option.name() + " must be 0 or more, not " + value);
            }
            return count;
        } catch (NumberFormatException e) {
            throw usage("--" + option.name() + " must be a number, not '" + value + "'");
        }
    }

    private static Command.Token parseToken(Deque<String> args) {
        Path dataDir = Command.defaultDataDir();
        String workspace = null;
        String scopes = Command.ALL_SCOPES;
        Duration ttl = Duration.ofHours(24);
        while (!args.isEmpty()) {
            Option option = Option.next(args);
            switch (option.name()) {
                case "data-dir" -> dataDir = Path.of(option.value(args));
                case "workspace" -> workspace = option.value(args);
                case "scopes" -> scopes = option.value(args).trim().replaceAll("\\s+", " ");
                case "ttl" -> ttl = duration(option.value(args));
                default -> throw usage("Unknown option --" + option.name() + " for token");
            }
        }
        if (workspace == null) {
            throw usage("token needs --workspace, e.g. ./cdp token --workspace demo");
        }
        if (!JwtVerifier.WORKSPACE_ID.matcher(workspace).matches()) {
            throw usage("Workspace ids are letters, digits, '_' and '-', at most 64 characters: '" + workspace + "'");
        }
        if (scopes.isEmpty()) {
            throw usage("--scopes is empty; leave it out to get every scope");
        }
        return new Command.Token(dataDir, workspace, scopes, ttl);
    }

    /** {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d} or an ISO-8601 duration; positive. */
    static Duration duration(String text) {
        Duration duration;
        Matcher simple = SIMPLE_DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (simple.matches()) {
            long amount = Long.parseLong(simple.group(1));
            duration = switch (simple.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } else {
            try {
                duration = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw usage("Not a duration: '" + text + "' (use 90s, 30m, 24h, 7d or ISO-8601 such as PT2H)");
            }
        }
        if (duration.isNegative() || duration.isZero()) {
            throw usage("The duration must be positive: '" + text + "'");
        }
        return duration;
    }

    private static int port(Option option, Deque<String> args) {
        String value = option.value(args);
        try {
            int port = Integer.parseInt(value);
            if (port < 1 || port > 65_535) {
                throw usage("--" + option.name() + " must be a port between 1 and 65535, not " + value);
            }
            return port;
        } catch (NumberFormatException e) {
            throw usage("--" + option.name() + " must be a port number, not '" + value + "'");
        }
    }

    private static PlatformService service(String shortName) {
        for (PlatformService service : PlatformService.values()) {
            if (service.shortName().equals(shortName)) {
                return service;
            }
        }
        return null;
    }

    private static LauncherException usage(String message) {
        return new LauncherException(message + "\nRun ./cdp help for the options.", LauncherException.USAGE);
    }

    /** One {@code --name}, with its value inline ({@code --name=value}) or as the next argument. */
    private record Option(String name, String inlineValue) {

        static Option next(Deque<String> args) {
            String argument = args.removeFirst();
            if (!argument.startsWith("--") || argument.length() == 2) {
                throw usage("Unexpected argument '" + argument + "'");
            }
            int equals = argument.indexOf('=');
            return equals < 0 ? new Option(argument.substring(2), null)
                    : new Option(argument.substring(2, equals), argument.substring(equals + 1));
        }

        String value(Deque<String> args) {
            if (inlineValue != null) {
                return inlineValue;
            }
            if (args.isEmpty() || args.peekFirst().startsWith("--")) {
                throw usage("--" + name + " needs a value");
            }
            return args.removeFirst();
        }

        boolean flag() {
            if (inlineValue != null) {
                throw usage("--" + name + " takes no value");
            }
            return true;
        }
    }
}
