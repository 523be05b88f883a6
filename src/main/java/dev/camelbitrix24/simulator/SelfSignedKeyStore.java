package dev.camelbitrix24.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away PKCS12 key store with a self-signed certificate for 127.0.0.1 and localhost, made at start with the
 * running JDK's own {@code keytool} (no extra dependency, no internal JDK API).
 */
final class SelfSignedKeyStore implements AutoCloseable {

    private final Path directory;
    private final Path file;
    private final String password;

    private SelfSignedKeyStore(Path directory, Path file, String password) {
        this.directory = directory;
        this.file = file;
        this.password = password;
    }

    static SelfSignedKeyStore create() throws IOException {
        Path dir = Files.createTempDirectory("bitrix24-simulator-tls");
        Path file = dir.resolve("simulator.p12");
        String password = Long.toHexString(new SecureRandom().nextLong()) + "pw";
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "simulator",
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3650",
                "-dname", "CN=127.0.0.1, O=camel-bitrix24 simulator", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", password, "-keypass", password))
                .redirectErrorStream(true);
        Process process = pb.start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("keytool could not create the simulator's certificate: " + output.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while creating the simulator's certificate", e);
        }
        return new SelfSignedKeyStore(dir, file, password);
    }

    Path file() {
        return file;
    }

    String password() {
        return password;
    }

    /** An SSLContext that trusts exactly this certificate, for clients in tests. */
    SSLContext trustingContext() {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the simulator's own certificate", e);
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(directory);
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
