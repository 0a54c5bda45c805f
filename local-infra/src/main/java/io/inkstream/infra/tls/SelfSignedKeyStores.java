package io.inkstream.infra.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Key stores as an operator makes them, with the JDK's own {@code keytool}: a self-signed certificate for 127.0.0.1 and
 * localhost and its key in PKCS #12, stores of certificates alone, and a client's TLS that trusts (and may show) them. For
 * the tests of TLS (the gateway's HTTPS, a Cassandra node's client encryption and client certificates) and the local
 * node's own sessions.
 */
public final class SelfSignedKeyStores {
    private static final String ALIAS = "inkstream";

    private SelfSignedKeyStores() {
    }

    /** A PKCS #12 store in {@code dir} with a key pair and its self-signed certificate, under {@code password}. */
    public static Path create(Path dir, String name, String password) throws Exception {
        return create(dir, name, password, 2);
    }

    /** {@link #create}, with a certificate valid for {@code days}: a renewal, say, which a test tells by its expiry. */
    public static Path create(Path dir, String name, String password, int days) throws Exception {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", Integer.toString(days), "-storetype", "PKCS12", "-keystore",
                store.toString(), "-storepass", password, "-keypass", password);
        return store;
    }

    /** A PKCS #12 store holding only {@code keyStore}'s certificate, no key: what a client trusts, not what a server serves. */
    public static Path certificateOnly(Path keyStore, String password) throws Exception {
        return certificatesOf(keyStore.resolveSibling(keyStore.getFileName() + ".certificate.p12"), password, keyStore);
    }

    /**
     * A PKCS #12 store at {@code store} holding the certificates of {@code keyStores}' keys (all under {@code password}), no
     * key: what trusts several parties, such as a node that asks for client certificates.
     */
    public static Path certificatesOf(Path store, String password, Path... keyStores) throws Exception {
        for (int i = 0; i < keyStores.length; i++) {
            Path pem = store.resolveSibling(store.getFileName() + "." + i + ".pem");
            keytool("-exportcert", "-rfc", "-alias", ALIAS, "-keystore", keyStores[i].toString(), "-storepass", password, "-file",
                    pem.toString());
            keytool("-importcert", "-noprompt", "-alias", ALIAS + "-" + i, "-file", pem.toString(), "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", password);
        }
        return store;
    }

    /** A client's TLS that trusts the certificates of {@code keyStore}'s keys and nothing else. */
    public static SSLContext trusting(Path keyStore, String password) throws GeneralSecurityException, IOException {
        return context(null, keyStore, password);
    }

    /** {@link #trusting}, and showing {@code keyStore}'s certificate where the server asks for a client's. */
    public static SSLContext showingAndTrusting(Path keyStore, String password) throws GeneralSecurityException, IOException {
        return context(keyStore, keyStore, password);
    }

    /**
     * Showing {@code shown}'s certificate and trusting those of {@code trusted} (a key store, or a store of certificates alone,
     * under the same password): a server that asks for client certificates, say.
     */
    public static SSLContext showingAndTrusting(Path shown, Path trusted, String password) throws GeneralSecurityException, IOException {
        return context(shown, trusted, password);
    }

    private static SSLContext context(Path shown, Path trusted, String password) throws GeneralSecurityException, IOException {
        KeyStore served = load(trusted, password);
        KeyStore trustedCertificates = KeyStore.getInstance("PKCS12");
        trustedCertificates.load(null, null);
        for (String alias : Collections.list(served.aliases())) {
            Certificate certificate = served.getCertificate(alias);
            if (certificate != null) {
                trustedCertificates.setCertificateEntry(alias, certificate);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trustedCertificates);
        KeyManager[] keys = null;
        if (shown != null) {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(load(shown, password), password.toCharArray());
            keys = factory.getKeyManagers();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, trust.getTrustManagers(), null);
        return context;
    }

    private static KeyStore load(Path store, String password) throws GeneralSecurityException, IOException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, password.toCharArray());
        }
        return keys;
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
        }
    }
}
