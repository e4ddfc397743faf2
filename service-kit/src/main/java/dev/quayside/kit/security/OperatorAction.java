package dev.quayside.kit.security;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a state-changing operator endpoint (a sync on demand, a replay): the call needs
 * {@code Authorization: Bearer <quayside.operator.token>} and takes one of a bounded number of slots. Put it on the
 * resource method (or class). See {@link OperatorActionFilter} for the answers.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface OperatorAction {
}
