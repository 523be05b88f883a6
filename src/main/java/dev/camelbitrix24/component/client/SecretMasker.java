package dev.camelbitrix24.component.client;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Blanks out the endpoint's secrets in text that came from elsewhere (an I/O exception's message, an error
 * description) before it goes into an exception or a log line.
 */
public final class SecretMasker {

    public static final String MASK = "xxxxxx";

    private final Supplier<Collection<String>> secrets;

    /** @param secrets the current secrets; a supplier, because OAuth tokens rotate */
    public SecretMasker(Supplier<Collection<String>> secrets) {
        this.secrets = secrets;
    }

    public static SecretMasker of(String... fixedSecrets) {
        List<String> list = java.util.Arrays.stream(fixedSecrets).filter(Objects::nonNull).toList();
        return new SecretMasker(() -> list);
    }

    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        // longest first: a secret that contains another must not be left half masked
        List<String> ordered = secrets.get().stream().filter(Objects::nonNull)
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        for (String secret : ordered) {
            // very short values (a user id in a webhook path) would blank out unrelated text; real secrets are long
            if (secret != null && secret.length() >= 4) {
                masked = masked.replace(secret, MASK);
            }
        }
        return masked;
    }
}
