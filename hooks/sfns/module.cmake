# module.cmake — how the build makes the sfns module (read by the per-module build; see
# hooks/README.md once it is there): every .c file of this folder, linked with mbedTLS's crypto
# library for the sync hash's SHA-256, with the contact matcher it shares with the runner
# (lib/sfns_match/) and with the catalog's SKU normalisation (lib/sfns_catalog/, shared with
# `hookstack sfns catalog`).
hookstack_module(
  LIBRARIES mbedcrypto
  PROJECT_LIBRARIES sfns_match sfns_catalog
)
