package dev.camelbitrix24.simulator;

import java.util.Map;

/**
 * A REST call as it came off the wire: the path, the parameters (query merged with the body, the body winning),
 * the {@code Authorization} header and the client's address.
 */
record RestRequest(String path, Map<String, Object> params, String authorizationHeader, String clientAddress) {
}
