/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

/* The network layer's PigeonNetSecurity and the store's PigeonSecurity
 * (whose values are stored in the database) say the same thing; the engine
 * is the one layer that sees both, and pigeon_engine_net_security()
 * converts. */

#include "pigeon-net.h"
#include "pigeon-store.h"

G_BEGIN_DECLS

static inline PigeonNetSecurity
pigeon_engine_net_security (PigeonSecurity security)
{
  switch (security)
    {
    case PIGEON_SECURITY_STARTTLS:
      return PIGEON_NET_SECURITY_STARTTLS;
    case PIGEON_SECURITY_NONE:
      return PIGEON_NET_SECURITY_NONE;
    case PIGEON_SECURITY_TLS:
    default:
      return PIGEON_NET_SECURITY_TLS;
    }
}

G_END_DECLS
