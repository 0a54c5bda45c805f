package io.inkstream.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.internal.core.context.InternalDriverContext;
import io.inkstream.ops.config.ConfigurationException;
import io.inkstream.ops.config.Environment;
import io.inkstream.ops.config.StoreFiles;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How every part of Inkstream opens a Cassandra session: contact points, data centre, login, TLS, and a name for its
 * threads.
 */
public final class CassandraSessions {
    public static final String USERNAME = "INKSTREAM_CASSANDRA_USERNAME";
    public static final String PASSWORD = "INKSTREAM_CASSANDRA_PASSWORD";
    public static final String TLS_TRUSTSTORE = "INKSTREAM_CASSANDRA_TLS_TRUSTSTORE";
    public static final String TLS_TRUSTSTORE_PASSWORD = "INKSTREAM_CASSANDRA_TLS_TRUSTSTORE_PASSWORD";
    public static final String TLS_KEYSTORE = "INKSTREAM_CASSANDRA_TLS_KEYSTORE";
    public static final String TLS_KEYSTORE_PASSWORD = "INKSTREAM_CASSANDRA_TLS_KEYSTORE_PASSWORD";
    /** The TLS settings: what a local node, which speaks plain CQL, leaves out. */
    public static final Set<String> TLS_VARIABLES = Set.of(TLS_TRUSTSTORE, TLS_TRUSTSTORE_PASSWORD, TLS_KEYSTORE, TLS_KEYSTORE_PASSWORD);
    /** Every setting of a session's access: what each service's configuration knows besides its own. */
    public static final Set<String> VARIABLES = Stream.concat(Stream.of(USERNAME, PASSWORD), TLS_VARIABLES.stream())
            .collect(Collectors.toUnmodifiableSet());
    /** {@value #TLS_TRUSTSTORE}'s word for the JDK's own certificate authorities: a cluster with a publicly signed certificate. */
    public static final String JDK_AUTHORITIES = "jdk";

    /** A role and its password, for a cluster with authentication on ({@code PasswordAuthenticator}). */
    public record Login(String username, String password) {
        @Override
        public String toString() {
            return username; // never the password, wherever a config is logged
        }
    }

    /**
     * A session's TLS: the certificates it trusts, those of a PKCS #12 (or JKS) trust store or the JDK's authorities
     * ({@code trusted} empty), and the certificate it shows where the cluster asks for one ({@code shown}, a client
     * certificate and its key, for nodes with {@code require_client_auth}). Both are read and checked at start (what a session
     * then starts from), and taken again when their files change while a session runs ({@link RenewingSslEngineFactory}).
     * The node's certificate must also name the address the session reaches it by: a certificate of another host is
     * refused.
     */
    public record Tls(Optional<RenewingSslEngineFactory.Read<X509ExtendedTrustManager>> trusted,
                      Optional<RenewingSslEngineFactory.Read<RenewingSslEngineFactory.ClientCertificate>> shown) {
        /** Reads {@code trusted}'s store and {@code shown}'s, or says in the variable's name why one cannot serve. */
        static Tls of(Optional<StoreFiles.Named> trusted, Optional<StoreFiles.Named> shown) {
            return new Tls(trusted.map(store -> RenewingSslEngineFactory.Read.of(store, "trust store", TLS_TRUSTSTORE,
                            bytes -> RenewingSslEngineFactory.trustManager(store, bytes))),
                    shown.map(store -> RenewingSslEngineFactory.Read.of(store, "key store", TLS_KEYSTORE,
                            bytes -> RenewingSslEngineFactory.clientCertificate(store, bytes))));
        }

        public Optional<Path> trustStore() {
            return trusted.map(read -> read.store().path());
        }

        public Optional<Path> keyStore() {
            return shown.map(read -> read.store().path());
        }

        @Override
        public String toString() {
            return trustStore().map(Path::toString).orElse(JDK_AUTHORITIES) + keyStore().map(path -> ", client certificate " + path).orElse("");
        }
    }

    /** What a session needs beyond the addresses: a login where the cluster asks for one, and TLS where it speaks it. */
    public record Access(Optional<Login> login, Optional<Tls> tls) {
        /** No login, no TLS: a local node, or a cluster on a network of its own. */
        public static final Access NONE = new Access(Optional.empty(), Optional.empty());
    }

    private CassandraSessions() {
    }

    /** The login ({@link #login}) and TLS ({@link #tls}) the environment names. */
    public static Access access(Environment env) {
        return new Access(login(env), tls(env));
    }

    /**
     * {@value #TLS_TRUSTSTORE}: a trust store with the certificates (or their authority's) of the cluster's nodes, or
     * {@value #JDK_AUTHORITIES}; unset, no TLS. {@value #TLS_KEYSTORE}: the client certificate and key the sessions show,
     * for a cluster that asks for one; only with TLS. The stores are read here, at start, so that one that cannot serve
     * stops the service with the variable's name; a session takes them again when they change.
     */
    public static Optional<Tls> tls(Environment env) {
        Optional<StoreFiles.Named> shown = StoreFiles.named(env, "key store", TLS_KEYSTORE, TLS_KEYSTORE_PASSWORD);
        if (env.string(TLS_TRUSTSTORE, "").equals(JDK_AUTHORITIES)) {
            return Optional.of(Tls.of(Optional.empty(), shown));
        }
        Optional<StoreFiles.Named> trusted = StoreFiles.named(env, "trust store", TLS_TRUSTSTORE, TLS_TRUSTSTORE_PASSWORD);
        if (trusted.isEmpty() && shown.isPresent()) {
            throw new ConfigurationException(TLS_KEYSTORE + " is set without " + TLS_TRUSTSTORE + ": a client certificate is shown over"
                    + " TLS, which needs the certificates to trust (a store, or " + JDK_AUTHORITIES + ")");
        }
        return trusted.map(store -> Tls.of(Optional.of(store), shown));
    }

    /** {@value #USERNAME} and {@value #PASSWORD}: both or neither. */
    public static Optional<Login> login(Environment env) {
        String username = env.string(USERNAME, "");
        String password = env.string(PASSWORD, "");
        if (username.isEmpty() != password.isEmpty()) {
            throw new ConfigurationException(USERNAME + " and " + PASSWORD + " go together: set both, or neither for a cluster without"
                    + " authentication");
        }
        return username.isEmpty() ? Optional.empty() : Optional.of(new Login(username, password));
    }

    /**
     * Exports when the client certificate {@code session} shows expires, as
     * {@code inkstream_cassandra_client_certificate_expiry_timestamp_seconds} (read at each scrape: a renewed certificate's
     * date once the session takes it), so that an alert comes well before the nodes refuse new connections. Nothing for a
     * session without a client certificate.
     */
    public static void exportClientCertificateExpiry(CqlSession session, MeterRegistry registry) {
        ((InternalDriverContext) session.getContext()).getSslEngineFactory()
                .filter(RenewingSslEngineFactory.class::isInstance).map(RenewingSslEngineFactory.class::cast)
                .filter(factory -> factory.clientCertificateExpires().isPresent())
                .ifPresent(factory -> Gauge.builder("inkstream_cassandra_client_certificate_expiry_timestamp_seconds", factory,
                                shown -> shown.clientCertificateExpires().orElseThrow().getEpochSecond())
                        .description("when the client certificate shown to Cassandra expires, in seconds since the epoch")
                        .register(registry));
    }

    /**
     * Reads and writes at {@code LOCAL_QUORUM}, lightweight transactions at {@code LOCAL_SERIAL}.
     *
     * @param name the session's name: the driver names its threads after it ("sink-cql-io-0"), so CPU per thread tells whose they are
     */
    public static CqlSession open(List<InetSocketAddress> contactPoints, String localDatacenter, Access access, String name) {
        CqlSessionBuilder builder = CqlSession.builder()
                .addContactPoints(contactPoints)
                .withLocalDatacenter(localDatacenter)
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withString(DefaultDriverOption.SESSION_NAME, name)
                        // A majority of the replicas in this datacenter: with replication 3 a write and a later read meet on
                        // one replica at least, and one node may be down; with replication 1 it is that one replica, as ONE.
                        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, "LOCAL_QUORUM")
                        // Idempotency keys are claimed with a lightweight transaction: its Paxos round stays in this datacenter.
                        .withString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY, "LOCAL_SERIAL")
                        .build());
        access.login().ifPresent(l -> builder.withAuthCredentials(l.username(), l.password()));
        access.tls().ifPresent(tls -> builder.withSslEngineFactory(RenewingSslEngineFactory.start(tls, name)));
        return builder.build();
    }
}
