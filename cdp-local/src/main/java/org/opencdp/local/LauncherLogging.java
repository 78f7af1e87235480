package org.opencdp.local;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.spi.FilterReply;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import org.opencdp.kit.logging.ServiceLogContext;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;

/**
 * The launcher's logging: everything (services, Kafka, PostgreSQL) at INFO into
 * {@code .cdp/logs/platform.log}, and only WARN and ERROR on the console, where the launcher prints
 * its own progress and the banner. Every line names the service it comes from (the kit's MDC key,
 * {@link ServiceLogContext#MDC_KEY}), or {@value #LAUNCHER_TAG} for the launcher, Kafka and PostgreSQL;
 * with {@code --json} the file holds one Logstash-style JSON object per line, with a {@code service}
 * field, for shipping elsewhere. {@code ./cdp logs [service]} follows the file ({@link LogFollower}). Spring Boot's logging system is switched off in this JVM
 * ({@code org.springframework.boot.logging.LoggingSystem=none}) so six applications do not
 * re-initialise logback one after another.
 */
final class LauncherLogging {

    /** The tag of lines no service wrote: the launcher's own, the embedded Kafka's and PostgreSQL's. */
    static final String LAUNCHER_TAG = "cdp";
    private static final String SERVICE = "%-12X{" + ServiceLogContext.MDC_KEY + ":-" + LAUNCHER_TAG + "}";
    static final String CONSOLE_PATTERN = "%-5level " + SERVICE + " %logger{30} - %msg%n%nopex";
    /** Date, time, level, service, thread, logger, message: {@link LogFollower} reads the fourth field. */
    static final String FILE_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level " + SERVICE
            + " [%thread] %logger{40} - %msg%n";

    private static final String SLOW_EVENT_LOGGER = "org.apache.kafka.controller.EventPerformanceMonitor";

    private static volatile Level consoleLevel = Level.WARN;

    private LauncherLogging() {
    }

    /** Before anything logs: no Spring Boot logging system, JUL into SLF4J, WARN+ on the console only. */
    static void consoleOnly() {
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        configure(null, false);
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    /** Adds the log file (rolled at 50 MB, five kept), as text lines or, with {@code json}, JSON lines. */
    static void toFile(Path logFile, boolean json) {
        configure(logFile, json);
    }

    private static void configure(Path logFile, boolean json) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        LevelChangePropagator propagator = new LevelChangePropagator();
        propagator.setContext(context);
        propagator.setResetJUL(true);
        context.addListener(propagator);

        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console(context));
        if (logFile != null) {
            root.addAppender(file(context, logFile, json));
        }
        // harmless at start-up, and in the log file anyway
        context.getLogger("org.apache.kafka.common.utils.AppInfoParser").setLevel(Level.ERROR);
    }

    /** From now on only errors reach the console (shutdown warnings are expected and go to the file). */
    static void errorsOnlyOnConsole() {
        consoleLevel = Level.ERROR;
    }

    private static ConsoleAppender<ILoggingEvent> console(LoggerContext context) {
        Filter<ILoggingEvent> warnings = new Filter<>() {
            @Override
            public FilterReply decide(ILoggingEvent event) {
                String logger = event.getLoggerName();
                if (logger.startsWith(SLOW_EVENT_LOGGER)) {
                    return FilterReply.DENY; // "exceptionally slow controller event" at ERROR: a busy machine, not a fault
                }
                Level threshold = isFileOnlyWarning(logger) ? Level.ERROR : consoleLevel;
                return event.getLevel().isGreaterOrEqual(threshold) ? FilterReply.NEUTRAL : FilterReply.DENY;
            }
        };
        warnings.setContext(context);
        warnings.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setTarget("System.err");
        console.setEncoder(encoder(context, CONSOLE_PATTERN));
        console.addFilter(warnings);
        console.start();
        return console;
    }

    /**
     * Warnings that go to the file only: the embedded broker's own (about its internals, not its
     * clients') and springdoc's (schema resolution details while serving /v3/api-docs).
     */
    static boolean isFileOnlyWarning(String loggerName) {
        return loggerName.startsWith("kafka.") || loggerName.startsWith("org.springdoc.")
                || (loggerName.startsWith("org.apache.kafka.") && !loggerName.startsWith("org.apache.kafka.clients.")
                && !loggerName.startsWith("org.apache.kafka.common."));
    }

    private static RollingFileAppender<ILoggingEvent> file(LoggerContext context, Path logFile, boolean json) {
        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(context);
        file.setName("file");
        file.setFile(logFile.toString());
        file.setAppend(true);
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(file);
        rolling.setFileNamePattern(logFile + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(5);
        rolling.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(FileSize.valueOf("50MB"));
        trigger.start();
        file.setRollingPolicy(rolling);
        file.setTriggeringPolicy(trigger);
        file.setEncoder(json ? jsonEncoder(context) : encoder(context, FILE_PATTERN));
        file.start();
        return file;
    }

    /**
     * Spring Boot's Logstash format (what {@code logging.structured.format.console=logstash} gives a
     * service run alone): {@code @timestamp}, {@code level}, {@code logger_name}, {@code thread_name},
     * {@code message}, {@code stack_trace} and the MDC, so {@code service}.
     */
    static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
        if (context.getObject(Environment.class.getName()) == null) {
            context.putObject(Environment.class.getName(), new StandardEnvironment());
        }
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setContext(context);
        encoder.setFormat("logstash");
        encoder.start();
        return encoder;
    }

    static PatternLayoutEncoder encoder(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }
}
