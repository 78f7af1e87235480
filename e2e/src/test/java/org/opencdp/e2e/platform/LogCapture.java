package org.opencdp.e2e.platform;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every log line the platform writes in this JVM from the moment it is attached (level, logger,
 * formatted message, MDC and each exception's class and message down the cause chain), as an
 * operator's log pipeline would receive them. Attached to the root logger after the services have
 * started, since Spring Boot resets logback while each one starts. Bounded: the oldest lines go
 * first beyond {@value #MAX_LINES}.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> {

    private static final int MAX_LINES = 500_000;

    private final List<String> lines = new ArrayList<>();

    /** A capture attached to the root logger. */
    public static LogCapture attach() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LogCapture capture = new LogCapture();
        capture.setContext(context);
        capture.setName("e2e-capture");
        capture.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
        return capture;
    }

    @Override
    protected void append(ILoggingEvent event) {
        StringBuilder line = new StringBuilder()
                .append(event.getLevel()).append(' ').append(event.getLoggerName()).append(' ')
                .append(event.getMDCPropertyMap()).append(' ').append(event.getFormattedMessage());
        for (IThrowableProxy error = event.getThrowableProxy(); error != null; error = error.getCause()) {
            line.append(" | ").append(error.getClassName()).append(": ").append(error.getMessage());
        }
        synchronized (lines) {
            if (lines.size() >= MAX_LINES) {
                lines.removeFirst();
            }
            lines.add(line.toString());
        }
    }

    /** The lines captured so far that contain any of {@code needles}, ignoring case. */
    public List<String> linesContaining(List<String> needles) {
        List<String> lowered = needles.stream().map(String::toLowerCase).toList();
        synchronized (lines) {
            return lines.stream().filter(line -> {
                String lower = line.toLowerCase();
                return lowered.stream().anyMatch(lower::contains);
            }).toList();
        }
    }

    /** How many lines were captured so far. */
    public int size() {
        synchronized (lines) {
            return lines.size();
        }
    }
}
