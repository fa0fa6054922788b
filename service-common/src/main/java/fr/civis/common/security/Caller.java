package fr.civis.common.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Which kinds of caller an endpoint serves; any other token gets 403 {@code caller-not-allowed} before the controller
 * runs. Deny by default: an endpoint under {@code /api/} that says nothing (neither on its method nor on its class)
 * serves no one. On a class, it applies to every endpoint the class maps; on a method, it overrides the class.
 *
 * <p>Controllers then take the caller as a parameter: {@link Citizen} (a {@code CITIZEN} caller) or
 * {@link ServiceClient} (a {@code SERVICE} caller), resolved from the token.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Caller {

    /** The kinds served; a token matching any of them passes. */
    CallerKind[] value();
}
