package io.inkstream.gateway.http;

import io.inkstream.gateway.GatewayMetrics;
import io.inkstream.ops.config.StoreFiles;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The gateway's certificate and private key, in a PKCS #12 (or JKS) key store ({@code keytool -genkeypair -storetype PKCS12}, or
 * {@code openssl pkcs12 -export} of a certificate and its key): with one, the gateway speaks HTTPS only, so that the API key,
 * the uploads and the answers do not cross the network in clear. Read at start, where a key store that cannot serve
 * (missing, too large, the wrong password, no private key in it) stops the gateway with the variable's name; read again
 * when its file changes ({@link CertificateRenewals}).
 */
public final class TlsKeyStore {
    public static final String PATH_VARIABLE = "INKSTREAM_GATEWAY_TLS_KEYSTORE";
    public static final String PASSWORD_VARIABLE = "INKSTREAM_GATEWAY_TLS_KEYSTORE_PASSWORD";

    private final Path path;
    private final String password;
    private final KeyStore store;
    /** The file's bytes this store was loaded from: a renewal is a change of them ({@link CertificateRenewals}). */
    private final byte[] bytes;
    /** The certificate of the store's (first) key: what clients are shown, and when it expires. */
    private final X509Certificate certificate;

    private TlsKeyStore(Path path, String password, KeyStore store, byte[] bytes, X509Certificate certificate) {
        this.path = path;
        this.password = password;
        this.store = store;
        this.bytes = bytes;
        this.certificate = certificate;
    }

    /** Opens {@code path} as the operator named it, or says in the variable's name why it cannot serve. */
    public static TlsKeyStore read(Path path, String password) {
        return load(path, password, StoreFiles.bytes("key store", PATH_VARIABLE, path));
    }

    /** {@link #read}, of the bytes just read from {@code path}. */
    static TlsKeyStore load(Path path, String password, byte[] bytes) {
        KeyStore store = StoreFiles.load("key store", PATH_VARIABLE, PASSWORD_VARIABLE, path, bytes, password);
        return new TlsKeyStore(path, password, store, bytes, StoreFiles.keyCertificate(store, PATH_VARIABLE, path));
    }

    public Path path() {
        return path;
    }

    String password() {
        return password;
    }

    KeyStore store() {
        return store;
    }

    byte[] bytes() {
        return bytes;
    }

    X509Certificate certificate() {
        return certificate;
    }

    public Instant expires() {
        return certificate.getNotAfter().toInstant();
    }

    /**
     * An HTTPS listener with this store's certificate, answering as {@code http} says; plain HTTP to it is answered 400
     * ({@link PlainHttpRefusal}), and a renewed store is taken without a restart ({@link CertificateRenewals}).
     */
    ServerConnector connector(Server server, HttpConfiguration http, GatewayMetrics metrics, Duration renewalCheck) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(store); // as read and checked here: Jetty does not open the file again
        tls.setKeyStorePassword(password);
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2"); // whatever the JDK's own settings still allow
        server.addBean(new CertificateRenewals(this, tls, metrics, renewalCheck)); // started and stopped with the server
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Whether the certificate names the host a client asked for is the client's check (it refuses the connection); the
        // server's would answer 400 to a client that reached it by another of its names and chose to go on.
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        HttpConnectionFactory httpOverTls = new HttpConnectionFactory(https);
        return new ServerConnector(server, new PlainHttpRefusal(new SslConnectionFactory(tls, httpOverTls.getProtocol()), metrics),
                httpOverTls);
    }

    /** Never the password: a config is logged and printed whole. */
    @Override
    public String toString() {
        return "TlsKeyStore[" + path + ", " + certificate.getSubjectX500Principal().getName() + ", until " + expires() + "]";
    }
}
