package fr.civis.keycloak.franceconnect;

import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;

/**
 * The "identité pivot" as certified profile attributes. The names are those of the declarative user profile of the
 * realm (civis-realm.json), where only an administrator may edit them.
 */
final class PivotIdentity {

    static final String GIVEN_NAMES = "certifiedGivenNames";
    static final String FAMILY_NAME = "certifiedFamilyName";
    static final String PREFERRED_NAME = "certifiedPreferredName";
    static final String BIRTHDATE = "certifiedBirthdate";
    static final String GENDER = "certifiedGender";
    static final String BIRTHPLACE = "certifiedBirthplace";
    static final String BIRTHCOUNTRY = "certifiedBirthcountry";
    static final String CERTIFIED_AT = "certifiedAt";
    static final String CERTIFIED_BY = "certifiedBy";

    /** Claim name to attribute name. */
    static final Map<String, String> CLAIMS = Map.of(
            "given_name", GIVEN_NAMES, "family_name", FAMILY_NAME, "preferred_username", PREFERRED_NAME,
            "birthdate", BIRTHDATE, "gender", GENDER, "birthplace", BIRTHPLACE, "birthcountry", BIRTHCOUNTRY);

    private PivotIdentity() {
    }

    /** The pivot claims present in the userinfo, keyed by attribute name. Born abroad: birthplace is empty. */
    static Map<String, String> attributes(JWTClaimsSet userinfo) throws FederationRefusal {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, String> claim : CLAIMS.entrySet()) {
            String value;
            try {
                value = userinfo.getStringClaim(claim.getKey());
            } catch (ParseException e) {
                throw new FederationRefusal(FederationRefusal.Reason.MALFORMED, "pivot claim of the wrong type");
            }
            if (value != null) {
                attributes.put(claim.getValue(), value.strip());
            }
        }
        return attributes;
    }
}
