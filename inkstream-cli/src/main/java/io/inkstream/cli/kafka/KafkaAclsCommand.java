package io.inkstream.cli.kafka;

import io.inkstream.contract.topic.PipelineAcls;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code inkstream kafka-acls}: the ACLs of {@link PipelineAcls}, granted on a secured cluster (idempotent: run it at every deploy). */
@Command(name = "kafka-acls", mixinStandardHelpOptions = true,
        header = "Grants each Inkstream principal the Kafka ACLs it needs, and nothing more.",
        description = "Grants each Inkstream principal what it needs on a Kafka cluster with an authorizer, and nothing more: "
                + "the gateway writes images, the classifier and sink their topics, and only --operator may write models.%n"
                + "Run it as a super user (INKSTREAM_KAFKA_CLIENT_SECURITY_PROTOCOL, _SASL_MECHANISM, _SASL_JAAS_CONFIG).")
public final class KafkaAclsCommand implements Callable<Integer> {
    @Mixin
    KafkaOption kafka;

    @Option(names = "--gateway", defaultValue = "User:gateway", description = "The gateway's principal (default: ${DEFAULT-VALUE}).")
    String gateway;

    @Option(names = "--classifier", defaultValue = "User:classifier", description = "The classifier's principal (default: ${DEFAULT-VALUE}).")
    String classifier;

    @Option(names = "--sink", defaultValue = "User:sink", description = "The sink's principal (default: ${DEFAULT-VALUE}).")
    String sink;

    @Option(names = "--operator", defaultValue = "User:operator",
            description = "Who publishes models and runs reclassify (default: ${DEFAULT-VALUE}).")
    String operator;

    @Option(names = "--classifier-application-id", defaultValue = "inkstream-classifier",
            description = "INKSTREAM_CLASSIFIER_APPLICATION_ID of the classifiers (default: ${DEFAULT-VALUE}).")
    String classifierApplicationId;

    @Option(names = "--sink-group", defaultValue = "inkstream-sink", description = "INKSTREAM_SINK_GROUP_ID of the sinks (default: ${DEFAULT-VALUE}).")
    String sinkGroup;

    @Option(names = "--dry-run", description = "Print the ACLs instead of granting them.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        List<AclBinding> acls = new PipelineAcls(gateway, classifier, sink, operator, classifierApplicationId, sinkGroup).bindings();
        if (dryRun) {
            acls.forEach(acl -> System.out.println(acl.entry().principal() + " " + acl.entry().operation() + " "
                    + acl.pattern().resourceType() + " " + acl.pattern().patternType() + " " + acl.pattern().name()));
            return 0;
        }
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createAcls(acls).all().get(60, TimeUnit.SECONDS);
        }
        System.out.println("granted " + acls.size() + " ACLs on " + kafka.bootstrap() + "; only " + operator + " may write models");
        return 0;
    }
}
