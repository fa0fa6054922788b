package fr.civis.common.security;

import org.springframework.http.HttpStatus;

import fr.civis.common.problem.ProblemException;

/** The token is valid but of a kind of caller the endpoint does not serve (a service on a citizen's endpoint, …). */
public class CallerNotAllowedException extends ProblemException {

    public static final String CODE = "caller-not-allowed";

    public CallerNotAllowedException() {
        super(HttpStatus.FORBIDDEN, CODE);
    }
}
