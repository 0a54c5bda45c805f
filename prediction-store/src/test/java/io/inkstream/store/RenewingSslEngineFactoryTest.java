package io.inkstream.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.inkstream.infra.tls.SelfSignedKeyStores;
import io.inkstream.ops.config.Environment;
import io.inkstream.ops.config.StoreFiles;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session's trust store and client certificate, rotated while it runs: every handshake here is a real TLS handshake with
 * a server that asks for a client certificate, as a node with {@code require_client_auth} does, and tells which one it got.
 */
class RenewingSslEngineFactoryTest {
    private static final String PASSWORD = "store-password";

    @Test
    void aRenewedClientCertificateAndTrustStoreServeTheNextConnectionsAndAStoreThatCannotServeIsNotTaken(@TempDir Path dir)
            throws Exception {
        Path node = SelfSignedKeyStores.create(dir, "node", PASSWORD);
        Path renewedNode = SelfSignedKeyStores.create(dir, "renewed-node", PASSWORD);
        Path first = SelfSignedKeyStores.create(dir, "first-client", PASSWORD);
        Path second = SelfSignedKeyStores.create(dir, "second-client", PASSWORD, 30); // expires 28 days after the first
        Path renewedTrust = SelfSignedKeyStores.certificateOnly(renewedNode, PASSWORD);
        Path clients = SelfSignedKeyStores.certificatesOf(dir.resolve("clients.p12"), PASSWORD, first, second);
        Path trustStore = Files.copy(SelfSignedKeyStores.certificateOnly(node, PASSWORD), dir.resolve("truststore.p12"));
        Path keyStore = Files.copy(first, dir.resolve("keystore.p12"));
        CassandraSessions.Tls tls = CassandraSessions.tls(new Environment(Map.of(CassandraSessions.TLS_TRUSTSTORE, trustStore.toString(),
                CassandraSessions.TLS_TRUSTSTORE_PASSWORD, PASSWORD, CassandraSessions.TLS_KEYSTORE, keyStore.toString(),
                CassandraSessions.TLS_KEYSTORE_PASSWORD, PASSWORD))).orElseThrow();

        try (RenewingSslEngineFactory factory = RenewingSslEngineFactory.start(tls, "test-cql")) {
            assertThat(renewalThreads()).as("the session's timer").hasSize(1);
            assertThat(handshake(factory, node, clients)).as("the client certificate at start").isEqualTo(certificate(first));
            assertThat(factory.clientCertificateExpires()).contains(x509(first).getNotAfter().toInstant());

            replace(keyStore, second);
            assertThat(handshake(factory, node, clients)).as("the control: before a look, the certificate in use").isEqualTo(certificate(first));
            factory.lookNow();
            assertThat(handshake(factory, node, clients)).as("the renewed client certificate").isEqualTo(certificate(second));
            assertThat(factory.clientCertificateExpires()).as("the expiry exported is the renewed certificate's")
                    .contains(x509(second).getNotAfter().toInstant());

            assertThat(handshake(factory, renewedNode, clients)).as("the control: a node certificate not yet trusted")
                    .startsWith("refused");
            replace(trustStore, renewedTrust);
            factory.lookNow();
            assertThat(handshake(factory, renewedNode, clients)).as("the renewed trust store").isEqualTo(certificate(second));
            assertThat(handshake(factory, node, clients)).as("the node certificate no longer trusted").startsWith("refused");

            Files.writeString(keyStore, "garbage: half of a store");
            factory.lookNow();
            Files.copy(clients, keyStore, StandardCopyOption.REPLACE_EXISTING);
            factory.lookNow(); // a store of certificates, with no key
            Files.delete(trustStore);
            factory.lookNow();
            assertThat(handshake(factory, renewedNode, clients)).as("stores that cannot serve are not taken").isEqualTo(certificate(second));

            replace(keyStore, first);
            replace(trustStore, renewedTrust);
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            String shown = handshake(factory, renewedNode, clients);
            while (!shown.equals(certificate(first)) && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
                shown = handshake(factory, renewedNode, clients);
            }
            assertThat(shown).as("the timer's look, within 30 s").isEqualTo(certificate(first));
        }
        Instant stopped = Instant.now().plus(Duration.ofSeconds(10));
        while (!renewalThreads().isEmpty() && Instant.now().isBefore(stopped)) {
            Thread.sleep(50);
        }
        assertThat(renewalThreads()).as("closing the session stops its timer").isEmpty();
    }

    /**
     * A handshake chooses its certificate by an alias, then asks for the alias's chain and key: a renewal in between must not
     * pair the old store's chain with the new one's key (both stores name their key {@code inkstream}).
     */
    @Test
    void aCertificateChosenBeforeARenewalKeepsItsOwnChainAndKeyAfterIt(@TempDir Path dir) throws Exception {
        Path first = SelfSignedKeyStores.create(dir, "first-client", PASSWORD);
        Path second = SelfSignedKeyStores.create(dir, "second-client", PASSWORD);
        RenewingSslEngineFactory.ClientCertificate before = RenewingSslEngineFactory.clientCertificate(
                new StoreFiles.Named(first, PASSWORD), Files.readAllBytes(first));
        RenewingSslEngineFactory.ClientCertificate after = RenewingSslEngineFactory.clientCertificate(
                new StoreFiles.Named(second, PASSWORD), Files.readAllBytes(second));
        RenewingSslEngineFactory.Delegate<RenewingSslEngineFactory.ClientCertificate> inUse = new RenewingSslEngineFactory.Delegate<>(before);
        RenewingSslEngineFactory.DelegatingKeyManager keys = new RenewingSslEngineFactory.DelegatingKeyManager(inUse);
        String[] types = {"EC"};

        String chosen = keys.chooseClientAlias(types, null, null);
        inUse.set(after);
        assertThat(keys.getCertificateChain(chosen)[0]).as("the chain of the store the alias was chosen from").isEqualTo(x509(first));
        assertThat(keys.getPrivateKey(chosen)).as("and its key").isEqualTo(privateKey(first));
        String plain = chosen.substring(chosen.indexOf('/') + 1);
        assertThat(after.manager().getCertificateChain(plain)[0]).as("the control: the plain alias names the new store's chain")
                .isEqualTo(x509(second));

        String next = keys.chooseClientAlias(types, null, null);
        assertThat(keys.getCertificateChain(next)[0]).as("a handshake after the renewal").isEqualTo(x509(second));
        assertThat(keys.getPrivateKey(next)).isEqualTo(privateKey(second));
        inUse.set(before);
        inUse.set(after);
        assertThat(keys.getCertificateChain(chosen)).as("two renewals later, the first version is gone").isNull();
        assertThat(keys.getCertificateChain("inkstream")).as("an alias this manager never gave").isNull();
    }

    /**
     * One TLS connection from {@code factory}'s context to a new server showing {@code nodeStore}'s certificate and trusting
     * {@code clients}: the client certificate the server got, or why the handshake failed. A new server each time, so that
     * nothing is resumed from an earlier session and the certificates are shown again.
     */
    private static String handshake(RenewingSslEngineFactory factory, Path nodeStore, Path clients) throws Exception {
        SSLContext server = SelfSignedKeyStores.showingAndTrusting(nodeStore, clients, PASSWORD);
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    accepted.startHandshake();
                    String client = describe(accepted.getSession().getPeerCertificates()[0]);
                    accepted.getOutputStream().write(1);
                    return client;
                } catch (Exception e) {
                    return "refused by the server: " + e;
                }
            });
            try (SSLSocket socket = (SSLSocket) factory.context().getSocketFactory().createSocket("127.0.0.1", listener.getLocalPort())) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // as the session's engines: the node's certificate names 127.0.0.1
                socket.setSSLParameters(parameters);
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                socket.getInputStream().read(); // TLS 1.3: the server checks the client's certificate after the client's handshake
            } catch (Exception e) {
                listener.close();
                return "refused by the client: " + e;
            }
            return seen.get(10, TimeUnit.SECONDS);
        }
    }

    private static void replace(Path file, Path with) throws Exception {
        Path next = Files.copy(with, file.resolveSibling(file.getFileName() + ".next"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String certificate(Path keyStore) throws Exception {
        return describe(x509(keyStore));
    }

    private static PrivateKey privateKey(Path keyStore) throws Exception {
        KeyStore store = load(keyStore);
        return (PrivateKey) store.getKey(store.aliases().nextElement(), PASSWORD.toCharArray());
    }

    private static X509Certificate x509(Path keyStore) throws Exception {
        KeyStore store = load(keyStore);
        return (X509Certificate) store.getCertificate(store.aliases().nextElement());
    }

    private static KeyStore load(Path keyStore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    /** A certificate by its key: every store here names CN=localhost. */
    private static String describe(Certificate certificate) {
        return "certificate with key " + HexFormat.of().formatHex(certificate.getPublicKey().getEncoded(), 27, 43);
    }

    private static List<Thread> renewalThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().equals("test-cql-tls-renewals")).toList();
    }
}
