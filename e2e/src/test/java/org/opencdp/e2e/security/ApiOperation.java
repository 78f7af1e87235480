package org.opencdp.e2e.security;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opencdp.local.PlatformService;

/**
 * One operation a service's OpenAPI document lists: the HTTP method on a path template such as
 * {@code /v1/segments/{id}}, with the names of its path and query parameters.
 */
record ApiOperation(PlatformService service, String method, String path, List<String> pathVariables,
                    List<String> queryParameters) {

    private static final Pattern VARIABLE = Pattern.compile("\\{([^}/]+)}");

    ApiOperation {
        pathVariables = List.copyOf(pathVariables);
        queryParameters = List.copyOf(queryParameters);
    }

    /** The operation's key in {@link ManagementOperations}: {@code "PUT /v1/segments/{id}"}. */
    String key() {
        return method + " " + path;
    }

    /** The path segment before {@code {variable}}, naming what it identifies ({@code segments} for {@code /v1/segments/{id}}). */
    String collectionOf(String variable) {
        Matcher matcher = VARIABLE.matcher(path);
        while (matcher.find()) {
            if (matcher.group(1).equals(variable)) {
                String before = path.substring(0, matcher.start() - 1);
                return before.substring(before.lastIndexOf('/') + 1);
            }
        }
        throw new IllegalArgumentException(variable + " is not a variable of " + path);
    }

    /** The variables named in the path template, in order. */
    static List<String> variablesOf(String path) {
        return VARIABLE.matcher(path).results().map(match -> match.group(1)).toList();
    }

    @Override
    public String toString() {
        return key() + " (" + service.shortName() + ")";
    }
}
