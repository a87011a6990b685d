/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "pigeon-connection.h"
#include "pigeon-sasl.h"
#include "imap/pigeon-imap-fetch.h"
#include "imap/pigeon-imap-response.h"
#include "imap/pigeon-imap-session.h"
#include "pop3/pigeon-pop3-reply.h"
#include "pop3/pigeon-pop3-session.h"
#include "smtp/pigeon-smtp-reply.h"
#include "smtp/pigeon-smtp-session.h"
