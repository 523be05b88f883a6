package dev.camelbitrix24.component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A token store that keeps the pair in a small JSON file, readable and writable by its owner only (where the file
 * system has POSIX permissions), replaced atomically on each save: the rotated refresh token survives a restart.
 * Configure it as a bean, e.g. {@code camel.beans.tokens=#class:dev.camelbitrix24.component.FileBitrix24TokenStore},
 * {@code camel.beans.tokens.file=/var/lib/app/bitrix24-tokens.json}, {@code camel.component.bitrix24.token-store=#tokens}.
 */
public class FileBitrix24TokenStore implements Bitrix24TokenStore {

    private static final String ACCESS_TOKEN = "accessToken";
    private static final String REFRESH_TOKEN = "refreshToken";

    private final ObjectMapper mapper = new ObjectMapper();
    private Path file;

    public FileBitrix24TokenStore() {
    }

    public FileBitrix24TokenStore(Path file) {
        this.file = file;
    }

    public String getFile() {
        return file == null ? null : file.toString();
    }

    /** The JSON file that holds the pair; its folder must exist. */
    public void setFile(String file) {
        this.file = Path.of(file);
    }

    @Override
    public synchronized Optional<Bitrix24TokenPair> load() {
        Path path = requireFile();
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        JsonNode json;
        try {
            json = mapper.readTree(path.toFile());
        } catch (IOException e) {
            // no cause: a parser message quotes the file's content, tokens included
            throw new IllegalStateException("The token file " + path + " is not a JSON token pair");
        }
        JsonNode access = json == null ? null : json.get(ACCESS_TOKEN);
        if (access == null || !access.isTextual() || access.asText().isEmpty()) {
            throw new IllegalStateException("The token file " + path + " has no " + ACCESS_TOKEN);
        }
        JsonNode refresh = json.get(REFRESH_TOKEN);
        return Optional.of(new Bitrix24TokenPair(access.asText(),
                refresh != null && refresh.isTextual() ? refresh.asText() : null));
    }

    @Override
    public synchronized void save(Bitrix24TokenPair tokens) {
        Path path = requireFile().toAbsolutePath();
        var json = mapper.createObjectNode().put(ACCESS_TOKEN, tokens.getAccessToken());
        if (tokens.getRefreshToken() != null) {
            json.put(REFRESH_TOKEN, tokens.getRefreshToken());
        }
        try {
            Path temp = ownerOnlyTempFile(path.getParent());
            try {
                mapper.writeValue(temp.toFile(), json);
                move(temp, path);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save the token pair to " + path, e);
        }
    }

    /** Created owner-only, so that the tokens are never readable by others, not even for a moment. */
    private static Path ownerOnlyTempFile(Path folder) throws IOException {
        try {
            return Files.createTempFile(folder, ".bitrix24-tokens", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the folder's own protection applies
            return Files.createTempFile(folder, ".bitrix24-tokens", ".tmp");
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Path requireFile() {
        if (file == null) {
            throw new IllegalStateException("FileBitrix24TokenStore needs its file");
        }
        return file;
    }

    @Override
    public String toString() {
        return "FileBitrix24TokenStore[" + file + "]";
    }
}
