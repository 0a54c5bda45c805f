package io.inkstream.store;

import com.datastax.oss.driver.api.core.ssl.ProgrammaticSslEngineFactory;
import io.inkstream.ops.config.ConfigurationException;
import io.inkstream.ops.config.StoreFiles;
import io.inkstream.ops.config.StoreRenewal;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS of one session, from its stores as read at start ({@link CassandraSessions.Tls}) and taken again while it runs:
 * a rotated client certificate (short-lived ones expire within days) and a cluster's new authority need no restart. Every
 * {@link StoreRenewal#DEFAULT_EVERY} the trust store's and the key store's files are read again through the paths named; a
 * store whose bytes changed is checked as at start and its certificates are those of every connection opened after (the
 * driver's connections are long-lived: a new one comes when a node restarts, a connection breaks or a pool grows); one that
 * cannot serve is refused with a warning, once per change, and the store in use kept. The timer stops when the session
 * closes (the driver closes its engine factory).
 *
 * <p>Not the driver's own {@code keystore-reload-interval}: it reloads the key store only, reads a file of any size, and
 * takes whatever it finds without the checks of the start.
 */
final class RenewingSslEngineFactory extends ProgrammaticSslEngineFactory {
    private static final Logger log = LoggerFactory.getLogger(RenewingSslEngineFactory.class);
    private final SSLContext context;
    private final Optional<Delegate<ClientCertificate>> shown;
    private final Runnable looks;
    private final ScheduledExecutorService timer;

    private RenewingSslEngineFactory(SSLContext context, Optional<Delegate<ClientCertificate>> shown, Runnable looks, String sessionName) {
        // Hostname validation on, against the address as given (no reverse lookup): a node must show a certificate for it.
        super(context, null, true, false);
        this.context = context;
        this.shown = shown;
        this.looks = looks;
        this.timer = StoreRenewal.every(sessionName + "-tls-renewals", StoreRenewal.DEFAULT_EVERY, looks);
    }

    /** A session's TLS as {@code tls} names it, its stores read now and looked at again until {@link #close}. */
    static RenewingSslEngineFactory start(CassandraSessions.Tls tls, String sessionName) {
        Renewing<X509ExtendedTrustManager> trust = tls.trusted()
                .map(read -> renewing(read, manager -> "certificates=" + manager.getAcceptedIssuers().length, sessionName))
                .orElseGet(() -> new Renewing<>(Optional.empty(), new Delegate<>(jdkAuthorities())));
        Optional<Renewing<ClientCertificate>> keys = tls.shown().map(read -> renewing(read, ClientCertificate::toString, sessionName));
        keys.map(Renewing::inUse).map(Delegate::get).filter(shown -> shown.certificate().getNotAfter().before(new Date()))
                .ifPresent(shown -> log.warn("cassandra client certificate expired: nodes that ask for one refuse new connections"
                        + " session={} store={} {}", sessionName, tls.keyStore().orElseThrow(), shown));
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.map(k -> new DelegatingKeyManager[] {new DelegatingKeyManager(k.inUse())}).orElse(null),
                    new DelegatingTrustManager[] {new DelegatingTrustManager(trust.inUse())}, null);
            Runnable looks = () -> {
                trust.look();
                keys.ifPresent(Renewing::look);
            };
            return new RenewingSslEngineFactory(context, keys.map(Renewing::inUse), looks, sessionName);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS context", e);
        }
    }

    /** The context every engine comes from: for the tests, which open TLS connections with it. */
    SSLContext context() {
        return context;
    }

    /** When the client certificate shown now expires (a renewed one's date once it is taken); empty without one. */
    Optional<Instant> clientCertificateExpires() {
        return shown.map(inUse -> inUse.get().certificate().getNotAfter().toInstant());
    }

    /** Looks at the stores' files now, as the timer does every {@link StoreRenewal#DEFAULT_EVERY}: for the tests. */
    void lookNow() {
        looks.run();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** The trust manager of {@code store}'s certificates, or why they cannot serve in {@value CassandraSessions#TLS_TRUSTSTORE}'s name. */
    static X509ExtendedTrustManager trustManager(StoreFiles.Named store, byte[] bytes) {
        KeyStore trusted = StoreFiles.load("trust store", CassandraSessions.TLS_TRUSTSTORE, CassandraSessions.TLS_TRUSTSTORE_PASSWORD,
                store.path(), bytes, store.password());
        try {
            if (trusted.size() == 0) {
                throw new ConfigurationException(CassandraSessions.TLS_TRUSTSTORE + " names " + store + ", which holds no certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            return (X509ExtendedTrustManager) factory.getTrustManagers()[0];
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException(CassandraSessions.TLS_TRUSTSTORE + " names " + store + ", which cannot serve as a trust store: "
                    + e.getMessage());
        }
    }

    /** The certificate a session shows, and the key manager that shows it. */
    record ClientCertificate(X509Certificate certificate, X509ExtendedKeyManager manager) {
        @Override
        public String toString() {
            return "subject=\"" + certificate.getSubjectX500Principal().getName() + "\" expires=" + certificate.getNotAfter().toInstant();
        }
    }

    /** {@code store}'s key and certificate, or why they cannot serve in {@value CassandraSessions#TLS_KEYSTORE}'s name. */
    static ClientCertificate clientCertificate(StoreFiles.Named store, byte[] bytes) {
        KeyStore shown = StoreFiles.load("key store", CassandraSessions.TLS_KEYSTORE, CassandraSessions.TLS_KEYSTORE_PASSWORD, store.path(),
                bytes, store.password());
        X509Certificate certificate = StoreFiles.keyCertificate(shown, CassandraSessions.TLS_KEYSTORE, store.path());
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(shown, store.password().toCharArray());
            return new ClientCertificate(certificate, (X509ExtendedKeyManager) factory.getKeyManagers()[0]);
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException(CassandraSessions.TLS_KEYSTORE + " names " + store + ", whose key cannot be read with "
                    + CassandraSessions.TLS_KEYSTORE_PASSWORD + ": " + e.getMessage());
        }
    }

    static X509ExtendedTrustManager jdkAuthorities() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return (X509ExtendedTrustManager) factory.getTrustManagers()[0];
        } catch (KeyStoreException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK's certificate authorities cannot be read", e);
        }
    }

    /**
     * A store as read at start: its file's bytes and the manager made of them, with what it is and the variable that names it
     * (for the messages), and how a manager is made of the file's bytes (at start and at each renewal).
     */
    record Read<M>(StoreFiles.Named store, String what, String variable, Function<byte[], M> managerOf, byte[] bytes, M manager) {
        /** Reads {@code store}'s file and makes its manager, or says in {@code variable}'s name why it cannot serve. */
        static <M> Read<M> of(StoreFiles.Named store, String what, String variable, Function<byte[], M> managerOf) {
            byte[] bytes = StoreFiles.bytes(what, variable, store.path());
            return new Read<>(store, what, variable, managerOf, bytes, managerOf.apply(bytes));
        }
    }

    /** A store's manager as read at start, in use, and how a change of the file is taken. */
    private static <M> Renewing<M> renewing(Read<M> read, Function<M, String> describe, String sessionName) {
        Path path = read.store().path();
        Delegate<M> inUse = new Delegate<>(read.manager());
        StoreRenewal renewal = new StoreRenewal(read.what(), read.variable(), path, read.bytes());
        Consumer<byte[]> take = bytes -> {
            M renewed = read.managerOf().apply(bytes);
            inUse.set(renewed);
            log.info("cassandra {} renewed session={} store={} {}; connections opened from now on use it", read.what(), sessionName, path,
                    describe.apply(renewed));
        };
        Consumer<String> refuse = reason -> log.warn("cassandra {} changed but cannot serve; the one in use is kept session={} store={}"
                + " reason=\"{}\"", read.what(), sessionName, path, reason);
        return new Renewing<>(Optional.of(() -> renewal.look(take, refuse)), inUse);
    }

    /** A manager in use and, for a store read from a file, its look (none for the JDK's authorities). */
    private record Renewing<M>(Optional<Runnable> looks, Delegate<M> inUse) {
        void look() {
            looks.ifPresent(Runnable::run);
        }
    }

    /**
     * The manager in use, swapped whole when its store is renewed, and the one before it: a handshake that chose its
     * certificate by an alias of the one before still finds that certificate's chain and key after a swap.
     */
    static final class Delegate<M> {
        private record Version<M>(int number, M manager) {
        }

        private volatile Version<M> current;
        private volatile Version<M> previous;

        Delegate(M manager) {
            this.current = new Version<>(0, manager);
        }

        M get() {
            return current.manager();
        }

        synchronized void set(M manager) {
            previous = current;
            current = new Version<>(current.number() + 1, manager);
        }
    }

    private static final class DelegatingTrustManager extends X509ExtendedTrustManager {
        private final Delegate<X509ExtendedTrustManager> inUse;

        DelegatingTrustManager(Delegate<X509ExtendedTrustManager> inUse) {
            this.inUse = inUse;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            inUse.get().checkServerTrusted(chain, authType, engine); // the hostname check too: the engine asks for it
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            inUse.get().checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            inUse.get().checkServerTrusted(chain, authType);
        }

        // A session is a client: it checks the nodes, never a client.
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a Cassandra session's TLS checks servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a Cassandra session's TLS checks servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a Cassandra session's TLS checks servers only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return inUse.get().getAcceptedIssuers();
        }
    }

    /**
     * A session is a client: it chooses its certificate by an alias, then asks for that alias's chain and key. An alias
     * here names the version of the store it came from ({@code 3/inkstream}), so that a renewal between the two never
     * pairs one store's chain with another's key; a server's aliases are never asked for.
     */
    static final class DelegatingKeyManager extends X509ExtendedKeyManager {
        private final Delegate<ClientCertificate> inUse;

        DelegatingKeyManager(Delegate<ClientCertificate> inUse) {
            this.inUse = inUse;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            Delegate.Version<ClientCertificate> version = inUse.current;
            return versioned(version, version.manager().manager().chooseEngineClientAlias(keyType, issuers, engine));
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            Delegate.Version<ClientCertificate> version = inUse.current;
            return versioned(version, version.manager().manager().chooseClientAlias(keyType, issuers, socket));
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            Delegate.Version<ClientCertificate> version = inUse.current;
            String[] aliases = version.manager().manager().getClientAliases(keyType, issuers);
            return aliases == null ? null : Arrays.stream(aliases).map(alias -> versioned(version, alias)).toArray(String[]::new);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            X509ExtendedKeyManager manager = managerOf(alias);
            return manager == null ? null : manager.getCertificateChain(unversioned(alias));
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            X509ExtendedKeyManager manager = managerOf(alias);
            return manager == null ? null : manager.getPrivateKey(unversioned(alias));
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        private static String versioned(Delegate.Version<ClientCertificate> version, String alias) {
            return alias == null ? null : version.number() + "/" + alias;
        }

        private static String unversioned(String alias) {
            return alias.substring(alias.indexOf('/') + 1);
        }

        /** The manager of the version {@code alias} names, the one in use or the one before; null for any other. */
        private X509ExtendedKeyManager managerOf(String alias) {
            int slash = alias == null ? -1 : alias.indexOf('/');
            if (slash < 1) {
                return null;
            }
            String number = alias.substring(0, slash);
            Delegate.Version<ClientCertificate> current = inUse.current;
            Delegate.Version<ClientCertificate> previous = inUse.previous;
            if (Integer.toString(current.number()).equals(number)) {
                return current.manager().manager();
            }
            return previous != null && Integer.toString(previous.number()).equals(number) ? previous.manager().manager() : null;
        }
    }
}
