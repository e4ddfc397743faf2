package dev.quayside.devstack.consul;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Quarkus test resource: starts one {@link ConsulStandIn} per test class and sets {@code quayside.consul.url} (and
 * {@code quayside.consul.token} when ACLs are on). Init args: {@code aclToken}, {@code txnOpLimit}.
 *
 * <pre>{@code
 * @QuarkusTestResource(value = ConsulStandInResource.class, initArgs = @ResourceArg(name = "aclToken", value = "t"))
 * }</pre>
 *
 * A test gets the instance through a field annotated {@link InjectConsulStandIn}.
 */
public class ConsulStandInResource implements QuarkusTestResourceLifecycleManager {

    private ConsulStandIn.Options options = ConsulStandIn.Options.defaults();
    private ConsulStandIn consul;

    @Override
    public void init(Map<String, String> initArgs) {
        String token = initArgs.get("aclToken");
        if (token != null && !token.isEmpty()) {
            options.aclToken(token);
        }
        String limit = initArgs.get("txnOpLimit");
        if (limit != null && !limit.isEmpty()) {
            options.txnOpLimit(Integer.parseInt(limit));
        }
    }

    @Override
    public Map<String, String> start() {
        consul = ConsulStandIn.start(options);
        Map<String, String> config = new HashMap<>();
        config.put("quayside.consul.url", consul.url());
        if (consul.aclToken() != null) {
            config.put("quayside.consul.token", consul.aclToken());
        }
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(consul,
                new TestInjector.AnnotatedAndMatchesType(InjectConsulStandIn.class, ConsulStandIn.class));
    }

    @Override
    public void stop() {
        if (consul != null) {
            consul.close();
            consul = null;
        }
    }
}
