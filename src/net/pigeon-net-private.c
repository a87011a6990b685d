/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net"

#include "config.h"

#include "pigeon-net-private.h"

gboolean
pigeon_net_starttls_pending (PigeonConnection *connection)
{
  g_assert (PIGEON_IS_CONNECTION (connection));

  return pigeon_connection_get_security (connection) == PIGEON_NET_SECURITY_STARTTLS &&
         !pigeon_connection_is_encrypted (connection);
}

gboolean
pigeon_net_may_send_password (PigeonConnection *connection)
{
  g_assert (PIGEON_IS_CONNECTION (connection));

  return pigeon_connection_is_encrypted (connection) || pigeon_connection_is_loopback (connection);
}

GBytes *
pigeon_net_sasl_step_base64 (PigeonSasl *credentials, const char *challenge_b64, GError **error)
{
  gsize len = 0;
  guchar *decoded = g_base64_decode (challenge_b64 != NULL ? challenge_b64 : "", &len);
  g_autoptr (GBytes) challenge = g_bytes_new_take (decoded, len);

  return pigeon_sasl_step (credentials, challenge, error);
}
