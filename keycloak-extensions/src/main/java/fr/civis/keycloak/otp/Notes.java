package fr.civis.keycloak.otp;

import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Where a pending code is kept: the notes of the authentication session, which Keycloak keeps per browser tab and
 * drops when the login ends. An interface so that the code logic is unit-tested on a map.
 */
interface Notes {

    String get(String key);

    void set(String key, String value);

    void remove(String key);

    static Notes of(AuthenticationSessionModel session) {
        return new Notes() {
            @Override
            public String get(String key) {
                return session.getAuthNote(key);
            }

            @Override
            public void set(String key, String value) {
                session.setAuthNote(key, value);
            }

            @Override
            public void remove(String key) {
                session.removeAuthNote(key);
            }
        };
    }
}
