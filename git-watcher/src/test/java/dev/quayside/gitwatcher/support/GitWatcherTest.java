package dev.quayside.gitwatcher.support;

import dev.quayside.devstack.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a Quarkus test of git-watcher: the real Kafka broker and the watched test repositories. */
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = WatchedReposResource.class, restrictToAnnotatedClass = false)
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface GitWatcherTest {
}
