package dev.quayside.devstack.consul;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension for plain tests: one in-memory {@link ConsulStandIn} per test class (closed after the class),
 * injected into parameters of type {@code ConsulStandIn} (e.g. {@code void test(ConsulStandIn consul)}).
 */
public class ConsulStandInExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ConsulStandInExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        standIn(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        return parameter.getParameter().getType() == ConsulStandIn.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        return standIn(extension);
    }

    private static ConsulStandIn standIn(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext.getStore(NAMESPACE)
                .getOrComputeIfAbsent("consul", k -> new Closing(ConsulStandIn.start()), Closing.class).consul;
    }

    private static final class Closing implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final ConsulStandIn consul;

        Closing(ConsulStandIn consul) {
            this.consul = consul;
        }

        @Override
        public void close() {
            consul.close();
        }
    }
}
