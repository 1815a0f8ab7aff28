# module.cmake — how the build makes the sfns module (read by the per-module build; see
# hooks/README.md once it is there): every .c file of this folder, linked with mbedTLS's crypto
# library for the sync hash's SHA-256.
hookstack_module(
  LIBRARIES mbedcrypto
)
