package fr.civis.common.problem;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Every error a controller raises leaves as problem+json with a stable code and a French (or English) message. */
@RestControllerAdvice
public class ProblemExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

    private final ProblemFactory problems;

    public ProblemExceptionHandler(ProblemFactory problems) {
        this.problems = problems;
    }

    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<Object> accessDenied(AccessDeniedException ex, WebRequest request) {
        return handleExceptionInternal(ex, null, new HttpHeaders(), HttpStatus.FORBIDDEN, request);
    }

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<Object> problem(ProblemException ex, WebRequest request) {
        return handleExceptionInternal(ex, null, ex.headers(), ex.status(), request);
    }

    /**
     * PostgreSQL cannot be reached (stopped, restarting): the transaction never began or was rolled back, so nothing
     * was stored, and the connection pool reconnects by itself once it is back. 503, and the person may try again.
     */
    @ExceptionHandler({CannotCreateTransactionException.class, DataAccessResourceFailureException.class})
    ResponseEntity<Object> databaseUnavailable(Exception ex, WebRequest request) {
        log.warn("Database unavailable while serving a request: {}", ex.getClass().getName());
        return handleExceptionInternal(ex, null, new HttpHeaders(), HttpStatus.SERVICE_UNAVAILABLE, request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception ex, WebRequest request) {
        // The exception type only: messages may carry personal data.
        log.error("Unexpected error while serving a request: {}", ex.getClass().getName(), ex);
        return handleExceptionInternal(ex, null, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ServletWebRequest servlet = (ServletWebRequest) request;
        HttpServletRequest servletRequest = servlet.getRequest();
        HttpServletResponse servletResponse = servlet.getResponse();
        if (servletResponse != null && servletResponse.isCommitted()) {
            // The body had begun: no problem+json can follow it, but the reader must not take it for whole.
            log.warn("Response cut after its first bytes ({} {}): {}", servletRequest.getMethod(),
                    servletRequest.getRequestURI(), codeFor(ex, status));
            CutResponses.cut(servletRequest);
            return null;
        }
        Object[] values = ex instanceof ProblemException problem ? problem.values() : new Object[0];
        ProblemDetail problem = problems.create(status, codeFor(ex, status), values,
                ProblemFactory.localeOf(servletRequest));
        return super.handleExceptionInternal(ex, problem, headers, status, request);
    }

    private static String codeFor(Exception ex, HttpStatusCode status) {
        return switch (ex) {
            case ProblemException problem -> problem.code();
            case NoResourceFoundException notFound -> "not-found";
            case HttpRequestMethodNotSupportedException method -> "method-not-allowed";
            case HttpMediaTypeNotSupportedException mediaType -> "unsupported-media-type";
            case HttpMediaTypeNotAcceptableException acceptable -> "not-acceptable";
            case MethodArgumentNotValidException invalid -> "invalid-request";
            case HandlerMethodValidationException invalid -> "invalid-request";
            case AccessDeniedException denied -> "access-denied";
            case CannotCreateTransactionException outage -> "database-unavailable";
            case DataAccessResourceFailureException outage -> "database-unavailable";
            default -> status.is5xxServerError() ? "internal-error" : "bad-request";
        };
    }
}
