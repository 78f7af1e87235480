package org.opencdp.kit.problem;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.opencdp.kit.identifiers.IdentifierRulesView;
import org.opencdp.kit.security.ManagementLimitsFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error a controller can raise, as RFC 9457 problem details with a stable {@code type} and
 * {@code code}: domain failures ({@link CdpException}), Spring MVC's own (unknown path, wrong method,
 * unreadable body, failed validation) and anything unexpected (500, logged, no internals leaked).
 */
@RestControllerAdvice
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @ExceptionHandler(CdpException.class)
    ResponseEntity<ProblemDetail> handleCdp(CdpException e, WebRequest request) {
        HttpStatusCode status = HttpStatusCode.valueOf(e.kind().status());
        ProblemDetail problem = Problems.of(status, e.code(), e.title(), e.getMessage());
        e.properties().forEach(problem::setProperty);
        problem.setInstance(instance(request));
        HttpHeaders headers = new HttpHeaders();
        if (e.retryAfterOrNull() != null) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfterOrNull().toSeconds())));
        }
        if (e.kind() == ErrorKind.UNAUTHORIZED) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, e.challengeOrNull() != null ? e.challengeOrNull() : "Bearer");
        }
        return ResponseEntity.status(status).headers(headers).body(problem);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> handleTypeMismatch(MethodArgumentTypeMismatchException e, WebRequest request) {
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "invalid_parameter", "Invalid parameter",
                "Parameter '" + e.getName() + "' has an invalid value.");
        problem.setInstance(instance(request));
        return ResponseEntity.badRequest().body(problem);
    }

    @ExceptionHandler(IdentifierRulesView.IdentifierRulesUnavailableException.class)
    ResponseEntity<ProblemDetail> handleRulesUnavailable(IdentifierRulesView.IdentifierRulesUnavailableException e,
                                                         WebRequest request) {
        return handleCdp(CdpException.unavailable("identifier_rules_unavailable",
                "The workspace's identifier rules cannot be read yet; try again shortly.", Duration.ofSeconds(5)), request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> handleUnexpected(Exception e, WebRequest request) {
        log.error("Unexpected error on {}", instance(request), e);
        ProblemDetail problem = Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "Internal error",
                "The request failed unexpectedly; it has been logged.");
        problem.setInstance(instance(request));
        return ResponseEntity.internalServerError().body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<InvalidField> errors = e.getBindingResult().getAllErrors().stream().map(ProblemDetailsAdvice::invalidField)
                .toList();
        ProblemDetail problem = Problems.of(status, "validation_failed", "Validation failed",
                "The request has " + errors.size() + " invalid field(s).");
        problem.setProperty("errors", errors);
        problem.setInstance(instance(request));
        return ResponseEntity.status(status).headers(headers).body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<InvalidField> errors = e.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream().map(error -> error instanceof FieldError field
                        ? invalidField(field)
                        : new InvalidField(InvalidField.pointerTo(String.valueOf(result.getMethodParameter()
                                .getParameterName())), String.valueOf(error.getDefaultMessage()))))
                .toList();
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "validation_failed", "Validation failed",
                "The request has " + errors.size() + " invalid parameter(s).");
        problem.setProperty("errors", errors);
        problem.setInstance(instance(request));
        return ResponseEntity.badRequest().headers(headers).body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ManagementLimitsFilter.RequestTooLargeException) {
                ProblemDetail problem = Problems.of(HttpStatus.PAYLOAD_TOO_LARGE, "payload_too_large",
                        "Payload too large", cause.getMessage());
                problem.setInstance(instance(request));
                return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE).headers(headers).body(problem);
            }
        }
        ProblemDetail problem = Problems.of(status, "malformed_body", "Malformed request body",
                "The request body is missing, is not valid JSON, or has a field of the wrong type.");
        problem.setInstance(instance(request));
        return ResponseEntity.status(status).headers(headers).body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = body instanceof ProblemDetail detail ? detail
                : ProblemDetail.forStatusAndDetail(status, e.getMessage());
        if (problem.getProperties() == null || !problem.getProperties().containsKey("code")) {
            String code = Problems.codeOf(status);
            problem.setType(Problems.type(code));
            problem.setProperty("code", code);
        }
        if (problem.getInstance() == null) {
            problem.setInstance(instance(request));
        }
        return super.handleExceptionInternal(e, problem, headers, status, request);
    }

    /** A field's error at its pointer into the body; an error of the whole object at {@code ""}. */
    private static InvalidField invalidField(ObjectError error) {
        String pointer = error instanceof FieldError field ? InvalidField.pointerOfPropertyPath(field.getField()) : "";
        return new InvalidField(pointer, String.valueOf(error.getDefaultMessage()));
    }

    private static URI instance(WebRequest request) {
        if (request instanceof ServletWebRequest servlet) {
            return URI.create(servlet.getRequest().getRequestURI());
        }
        return null;
    }
}
