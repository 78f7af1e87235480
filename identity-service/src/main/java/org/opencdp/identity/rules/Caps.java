package org.opencdp.identity.rules;

/**
 * Per-profile caps, whatever the identifier types.
 *
 * @param maxMergesPerProfile how many profiles may be merged into one survivor, counting the
 *     profiles merged into those before (0: profiles are never merged)
 * @param maxIdentifiersPerProfile how many identifiers one profile may hold in all
 */
public record Caps(int maxMergesPerProfile, int maxIdentifiersPerProfile) {

    public static final Caps DEFAULT = new Caps(100, 1000);
}
