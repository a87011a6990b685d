/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

/* The network layer and the store each define a PigeonSecurity enum, with
 * different values (the store's are stored in the database). The engine
 * is the one layer that sees both, so it includes the network layer
 * through this header, which renames the network's enum to
 * PigeonNetSecurity / PIGEON_NET_SECURITY_*; pigeon_engine_net_security()
 * converts. Include this before any other Pigeon header. */

#define PigeonSecurity PigeonNetSecurity
#define PIGEON_SECURITY_TLS PIGEON_NET_SECURITY_TLS
#define PIGEON_SECURITY_STARTTLS PIGEON_NET_SECURITY_STARTTLS
#define PIGEON_SECURITY_NONE PIGEON_NET_SECURITY_NONE

#include "pigeon-net.h"

#undef PigeonSecurity
#undef PIGEON_SECURITY_TLS
#undef PIGEON_SECURITY_STARTTLS
#undef PIGEON_SECURITY_NONE

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
