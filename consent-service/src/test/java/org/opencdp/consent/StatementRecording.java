package org.opencdp.consent;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Records the SQL one HTTP request sends to PostgreSQL, so a test can prove a path is set-based: a
 * constant number of statements however large the request (CONVENTIONS.md). A request carrying the
 * header {@value #HEADER} has, under the header's value, every statement it executes, every row of
 * a JDBC batch (each is a statement PostgreSQL runs) and every commit. Import it into an IT's
 * context ({@code @Import(StatementRecording.class)}); other requests and threads are not recorded.
 */
@TestConfiguration(proxyBeanMethods = false)
public class StatementRecording {

    public static final String HEADER = "X-Test-Record-Statements";
    static final String COMMIT = "COMMIT";

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();
    private static final Map<String, List<String>> RECORDED = new ConcurrentHashMap<>();

    /** What the requests sent with {@code key} ran, in order: each statement's SQL, or {@value #COMMIT}. */
    public static List<String> recorded(String key) {
        return List.copyOf(RECORDED.getOrDefault(key, List.of()));
    }

    @Bean
    static BeanPostProcessor recordingDataSource() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof DataSource dataSource && !(bean instanceof RecordingDataSource)
                        ? new RecordingDataSource(dataSource) : bean;
            }
        };
    }

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> statementRecordingFilter() {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                String key = request.getHeader(HEADER);
                CURRENT.set(key);
                try {
                    chain.doFilter(request, response);
                } finally {
                    CURRENT.remove();
                }
            }
        });
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    private static void record(String sql) {
        String key = CURRENT.get();
        if (key != null) {
            RECORDED.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(sql);
        }
    }

    private static final class RecordingDataSource extends DelegatingDataSource {

        RecordingDataSource(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            return recording(super.getConnection());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return recording(super.getConnection(username, password));
        }
    }

    private static Connection recording(Connection connection) {
        return proxy(Connection.class, connection, (method, args, result) -> {
            if (method.getName().equals("commit")) {
                record(COMMIT);
            }
            if (result instanceof Statement statement) {
                String sql = args != null && args.length > 0 && args[0] instanceof String text ? text : null;
                Class<? extends Statement> type = statement instanceof CallableStatement ? CallableStatement.class
                        : statement instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
                return recording(type, statement, sql);
            }
            return result;
        });
    }

    private static <S extends Statement> S recording(Class<S> type, Statement statement, String preparedSql) {
        return proxy(type, statement, (method, args, result) -> {
            String name = method.getName();
            boolean runs = name.startsWith("execute") && !name.equals("executeBatch") || name.equals("addBatch");
            if (runs) {
                record(preparedSql != null ? preparedSql : args != null && args.length > 0 ? String.valueOf(args[0]) : "?");
            }
            return result;
        });
    }

    /** What a proxy does after the target answered: returns what the caller gets. */
    private interface After {
        Object apply(Method method, Object[] args, Object result) throws Throwable;
    }

    private static <T> T proxy(Class<T> type, Object target, After after) {
        return type.cast(Proxy.newProxyInstance(StatementRecording.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "equals":
                            return proxy == args[0];
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        default:
                            Object result;
                            try {
                                result = method.invoke(target, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                            return after.apply(method, args, result);
                    }
                }));
    }
}
