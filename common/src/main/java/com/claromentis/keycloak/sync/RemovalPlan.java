package com.claromentis.keycloak.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Which Keycloak users of a directory provider (LDAP, Microsoft Graph) a full sync removes, decided before anything is changed. A user is removed
 * only when the directory's listing of the provider's users completed, held at least one user, did not hold theirs,
 * and a search for their own entry then answered that it is not there. A listing that failed or came back empty
 * removes nobody, and neither does one that would remove more than the allowed share of the provider's users: a
 * directory that answers badly never disables the company.
 */
public final class RemovalPlan {

    /** What a search for one user's own entry answered. */
    public enum Lookup { PRESENT, GONE, UNANSWERED }

    /** A Keycloak user of the provider: its id, username, directory UUID ({@code LDAP_ID}), and whether it is enabled. */
    public record Known(String id, String username, String uuid, boolean enabled) {
    }

    /** @param refusal why nobody is removed, or null when {@code removed} holds those to remove */
    public record Decision(List<Known> removed, int unconfirmed, String refusal) {
    }

    private RemovalPlan() {
    }

    /**
     * @param listed     the UUIDs of the directory's users, as listed by this sync
     * @param known      the provider's Keycloak users that are still enabled or not yet removed
     * @param lookup     the search for one UUID, asked only of those missing from the listing
     * @param maxPercent the largest share of {@code known} one sync may remove
     * @param setting    where the administrator raises that share, named in the refusal
     */
    public static Decision decide(Set<String> listed, List<Known> known, Function<String, Lookup> lookup, int maxPercent,
                                  String setting) {
        if (listed.isEmpty()) {
            return new Decision(List.of(), 0, "the directory listed no users, which says nothing about who left");
        }
        List<Known> missing = known.stream().filter(user -> user.uuid() != null && !listed.contains(user.uuid())).toList();
        if (missing.isEmpty()) {
            return new Decision(List.of(), 0, null);
        }
        // Checked before the per-user searches: a listing that lost half the company is not worth confirming.
        if (tooMany(missing.size(), known.size(), maxPercent)) {
            return new Decision(List.of(), 0, refusal(missing.size(), known.size(), maxPercent, setting));
        }
        List<Known> confirmed = new ArrayList<>();
        int unconfirmed = 0;
        for (Known user : missing) {
            Lookup answer = lookup.apply(user.uuid());
            if (answer == Lookup.GONE) {
                confirmed.add(user);
            } else if (answer == Lookup.UNANSWERED) {
                unconfirmed++;
            }
        }
        return new Decision(List.copyOf(confirmed), unconfirmed, null);
    }

    private static boolean tooMany(int missing, int known, int maxPercent) {
        return (long) missing * 100 > (long) known * maxPercent;
    }

    private static String refusal(int missing, int known, int maxPercent, String setting) {
        return missing + " of the provider's " + known + " users are missing from the directory's answer, more than the "
                + maxPercent + "% one sync may remove; nobody was removed. If they did leave, raise 'Largest share "
                + "removed in one sync' on " + setting + " and sync again";
    }
}
