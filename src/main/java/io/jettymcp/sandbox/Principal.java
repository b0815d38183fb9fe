package io.jettymcp.sandbox;

/**
 * An authenticated caller.
 *
 * @param authType   "api_key" or "jwt"
 * @param scope      the collection an API key is bound to; null for user tokens
 * @param write      WRITE access level (else READ)
 * @param identifier what whoami reports
 */
record Principal(String authType, String token, String scope, boolean write, String identifier) {

    boolean isApiKey() {
        return "api_key".equals(authType);
    }
}
