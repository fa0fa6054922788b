package fr.civis.common.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The endpoint serves only tokens whose {@code acr} is at least this level; a token below gets the RFC 9470
 * step-up challenge (401, {@code insufficient_user_authentication}, {@code acr_values}). On a controller class, it
 * applies to every endpoint the class maps; on a method, it overrides the class.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RequiresLevel {

    EidasLevel value();
}
