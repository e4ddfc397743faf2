package dev.quayside.configsyncer.service;

import dev.quayside.configsyncer.client.ConsulClient;
import dev.quayside.configsyncer.client.GitClient;
import dev.quayside.configsyncer.config.ConfigSyncerConfig;
import dev.quayside.configsyncer.mirror.MirrorService;
import dev.quayside.configsyncer.writeback.AppActions;
import dev.quayside.configsyncer.writeback.HeldBuilds;
import dev.quayside.configsyncer.writeback.ImageKeys;
import dev.quayside.configsyncer.writeback.PromotionWriteBack;
import dev.quayside.configsyncer.writeback.RollbackWriteBack;
import dev.quayside.configsyncer.writeback.SourceOrder;
import dev.quayside.configsyncer.writeback.SourceRepositories;
import dev.quayside.configsyncer.writeback.WriteBackService;
import dev.quayside.kit.retry.RetryPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Builds the plain-Java write-back and mirror services from the typed configuration. */
@ApplicationScoped
class ServiceProducer {

    @Produces
    @Singleton
    SyncSettings settings(ConfigSyncerConfig config) {
        RetryPolicy retry = config.syncAttempts().map(attempts -> config.retry().withMaxRetries(Math.max(0, attempts - 1)))
                .orElse(config.retry());
        return new SyncSettings(config.imagesPrefix(), config.pushAttempts(), config.retryDelay(), retry,
                config.txn().maxOperations(), config.txn().maxBytes(), config.txn().maxValueBytes(),
                config.mirrorAfterWriteBack(), config.suspendedPrefix());
    }

    @Produces
    @Singleton
    WriteBackService writeBack(GitClient git, SyncSettings settings) {
        return new WriteBackService(git, settings);
    }

    @Produces
    @Singleton
    RollbackWriteBack rollbackWriteBack(WriteBackService writeBack) {
        return new RollbackWriteBack(writeBack);
    }

    @Produces
    @Singleton
    PromotionWriteBack promotionWriteBack(WriteBackService writeBack, SourceOrder order) {
        return new PromotionWriteBack(writeBack, order);
    }

    @Produces
    @Singleton
    AppActions appActions(WriteBackService writeBack, HeldBuilds held) {
        return new AppActions(writeBack, held, Clock.systemUTC());
    }

    @Produces
    @Singleton
    HeldBuilds heldBuilds(ConsulClient consul, ConfigSyncerConfig config, ImageKeys keys, SourceOrder order) {
        return new HeldBuilds(consul, config, keys, order);
    }

    @Produces
    @Singleton
    SourceOrder sourceOrder(GitClient git, SourceRepositories sources) {
        return new SourceOrder(git, sources);
    }

    @Produces
    @Singleton
    MirrorService mirror(GitClient git, ConsulClient consul, SyncSettings settings) {
        return new MirrorService(git, consul, settings);
    }
}
