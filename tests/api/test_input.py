"""The bad-input sweep over every route that takes a body (from `mamori routes`): malformed
JSON, non-objects, invalid UTF-8, wrong types, missing and unknown fields, oversized bodies,
SQL-looking text. Each answer has the right status and code, none is a 5xx, and nothing is
stored: the audit head and the record counts are the same before and after.
"""
import json
import subprocess

from harness import API, BIN, Client, ServerTestCase

MIB = 1024 * 1024

# The declared body of every route that takes one: field -> (kind, required). The sweep
# fails when a route with a body is missing here, so a new route gets swept too.
SCHEMAS = {
    ("POST", API + "/session"): {"login": ("str", 1), "password": ("str", 1), "totp": ("str", 0)},
    ("PATCH", API + "/me"): {"locale": ("enum", 1)},
    ("POST", API + "/me/password"): {"current_password": ("str", 1), "new_password": ("str", 1)},
    ("POST", API + "/me/mfa/confirm"): {"code": ("str", 1)},
    ("DELETE", API + "/me/mfa"): {"password": ("str", 1)},
    ("POST", API + "/users"): {
        "login": ("str", 1), "name": ("str", 1), "email": ("nstr", 0), "department_id": ("nid", 0),
        "manager_id": ("nid", 0), "employment_type": ("enum", 1), "roles": ("strarray", 0),
        "purpose": ("text", 1), "valid_until": ("ndate", 0), "locale": ("enum", 0),
        "dispatch_agency": ("nstr", 0)},
    ("PATCH", API + "/users/{id:int}"): {
        "version": ("int", 1), "name": ("str", 0), "email": ("nstr", 0), "department_id": ("nid", 0),
        "manager_id": ("nid", 0), "employment_type": ("enum", 0), "roles": ("strarray", 0),
        "purpose": ("text", 0), "valid_until": ("ndate", 0), "locale": ("enum", 0),
        "dispatch_agency": ("nstr", 0)},
    ("POST", API + "/departments"): {"name": ("str", 1), "code": ("nstr", 0), "manager_id": ("nid", 0),
                                     "deputy_id": ("nid", 0)},
    ("PATCH", API + "/departments/{id:int}"): {"version": ("int", 1), "name": ("str", 0),
                                              "code": ("nstr", 0), "manager_id": ("nid", 0),
                                              "deputy_id": ("nid", 0)},
    ("POST", API + "/roles"): {"name": ("str", 1), "label_ja": ("str", 1), "label_en": ("str", 1),
                               "permissions": ("strarray", 1), "privileged": ("bool", 0),
                               "mfa_required": ("bool", 0)},
    ("PATCH", API + "/roles/{id:int}"): {"version": ("int", 1), "name": ("str", 0),
                                        "label_ja": ("str", 0), "label_en": ("str", 0),
                                        "permissions": ("strarray", 0), "privileged": ("bool", 0),
                                        "mfa_required": ("bool", 0)},
    ("PATCH", API + "/settings"): {"version": ("int", 1), "org_name": ("str", 0),
                                   "timezone": ("str", 0), "lockout_threshold": ("int", 0),
                                   "idle_disable_days": ("int", 0), "org_address": ("text", 0),
                                   "privacy_officer": ("str", 0), "isms_certified": ("bool", 0),
                                   "setup_state": ("enum", 0)},
    # Incidents and corrective actions (src/modules/incidents, src/modules/actions).
    ("POST", API + "/incidents"): {
        "kind": ("enum", 0), "category": ("enum", 1), "title": ("str", 1), "description": ("text", 0),
        "location": ("str", 0), "affected": ("text", 0), "occurred_at": ("ntime", 0),
        "discovered_at": ("time", 0), "anonymous": ("bool", 0), "pd_involved": ("bool", 0),
        "pd_count": ("nint", 0)},
    ("PATCH", API + "/incidents/{id:int}"): {
        "version": ("int", 1), "kind": ("enum", 0), "category": ("enum", 0), "title": ("str", 0),
        "description": ("text", 0), "location": ("str", 0), "affected": ("text", 0),
        "occurred_at": ("ntime", 0), "discovered_at": ("time", 0), "severity": ("nenum", 0),
        "assignee_id": ("nid", 0), "pd_involved": ("bool", 0), "pd_items": ("text", 0),
        "pd_count": ("nint", 0), "pd_sensitive": ("bool", 0), "pd_financial": ("bool", 0),
        "pd_unauthorised": ("bool", 0), "pd_encrypted": ("bool", 0),
        "personal_details": ("ntext", 0), "cause": ("text", 0), "secondary_damage": ("text", 0),
        "subject_response": ("text", 0), "announcement": ("text", 0), "prevention": ("text", 0),
        "other_notes": ("text", 0)},
    ("POST", API + "/incidents/{id:int}/transition"): {
        "version": ("int", 1), "to": ("enum", 1), "reason": ("text", 0), "duplicate_of": ("nid", 0)},
    ("POST", API + "/incidents/{id:int}/comments"): {"body": ("text", 1), "internal": ("bool", 0)},
    ("POST", API + "/incidents/{id:int}/reports"): {
        "kind": ("enum", 1), "state": ("enum", 1), "done_on": ("ndate", 0), "note": ("text", 0)},
    ("POST", API + "/incidents/{id:int}/actions"): {
        "kind": ("enum", 0), "title": ("str", 1), "cause": ("text", 0), "plan": ("text", 0),
        "owner_id": ("nid", 1), "due_on": ("ndate", 1), "effectiveness_due": ("ndate", 0)},
    ("PATCH", API + "/incidents/settings"): {
        "version": ("int", 1), "holds_pmark": ("bool", 0), "review_body": ("str", 0),
        "review_body_days": ("int", 0)},
    ("POST", API + "/actions"): {
        "kind": ("enum", 0), "title": ("str", 1), "cause": ("text", 0), "plan": ("text", 0),
        "owner_id": ("nid", 1), "due_on": ("ndate", 1), "effectiveness_due": ("ndate", 0)},
    ("PATCH", API + "/actions/{id:int}"): {
        "version": ("int", 1), "kind": ("enum", 0), "title": ("str", 0), "cause": ("text", 0),
        "plan": ("text", 0), "owner_id": ("nid", 0), "due_on": ("ndate", 0),
        "effectiveness_due": ("ndate", 0)},
    ("POST", API + "/actions/{id:int}/status"): {
        "version": ("int", 1), "to": ("enum", 1), "note": ("text", 0)},
    ("POST", API + "/actions/{id:int}/effectiveness"): {
        "version": ("int", 1), "result": ("enum", 1), "note": ("text", 1), "due_on": ("ndate", 0)},
    # The workflow engine (src/workflow, src/modules/workflow).
    ("POST", API + "/approvals/{id:int}/decision"): {
        "version": ("int", 1), "decision": ("enum", 1), "comment": ("text", 0)},
    ("POST", API + "/approvals/{id:int}/reassign"): {
        "version": ("int", 1), "approver_id": ("nid", 1), "comment": ("text", 1)},
    ("POST", API + "/me/delegations"): {
        "delegate_id": ("nid", 1), "starts_on": ("ndate", 1), "ends_on": ("ndate", 1),
        "note": ("str", 0)},
    ("POST", API + "/campaigns/{id:int}/close"): {"version": ("int", 1)},
    ("POST", API + "/campaign-items/{id:int}/answer"): {
        "version": ("int", 1), "answer": ("object", 1), "final": ("bool", 0)},
    ("POST", API + "/account-requests"): {
        "kind": ("enum", 1), "target_user_id": ("nid", 0), "login": ("nstr", 0),
        "name": ("nstr", 0), "email": ("nstr", 0), "department_id": ("nid", 0),
        "manager_id": ("nid", 0), "employment_type": ("nenum", 0), "roles": ("strarray", 0),
        "valid_until": ("ndate", 0), "purpose": ("ntext", 0), "reason": ("ntext", 0)},
    ("PATCH", API + "/account-requests/{id:int}"): {
        "version": ("int", 1), "login": ("nstr", 0), "name": ("nstr", 0), "email": ("nstr", 0),
        "department_id": ("nid", 0), "manager_id": ("nid", 0), "employment_type": ("nenum", 0),
        "roles": ("strarray", 0), "valid_until": ("ndate", 0), "purpose": ("ntext", 0),
        "reason": ("ntext", 0)},
    ("POST", API + "/account-requests/{id:int}/transition"): {
        "version": ("int", 1), "to": ("enum", 1), "comment": ("text", 0)},
    ("POST", API + "/account-requests/{id:int}/carry-out"): {"version": ("int", 1)},
    ("POST", API + "/access-reviews"): {
        "title": ("str", 1), "starts_on": ("ndate", 1), "due_on": ("ndate", 1),
        "recurrence": ("enum", 0), "targets": ("strarray", 1)},
    ("POST", API + "/offboardings"): {"user_id": ("nid", 1), "leaving_on": ("ndate", 1)},
    # Notifications (src/modules/notifications).
    ("POST", API + "/me/notifications/read"): {"ids": ("intarray", 1)},
    ("PATCH", API + "/me/notification-prefs"): {
        "version": ("int", 1), "email_off": ("strarray", 0), "digest": ("bool", 0),
        "digest_at": ("str", 0)},
    ("PATCH", API + "/mail/settings"): {
        "version": ("int", 1), "enabled": ("bool", 0), "host": ("str", 0), "port": ("int", 0),
        "security": ("enum", 0), "username": ("str", 0), "password": ("nstr", 0),
        "from_addr": ("str", 0), "from_name": ("str", 0), "base_url": ("str", 0),
        "due_soon_days": ("int", 0)},
    ("POST", API + "/mail/test"): {"to": ("str", 1)},
    ("POST", API + "/offboardings/{id:int}/items"): {
        "version": ("int", 1), "item": ("enum", 1), "state": ("enum", 1), "note": ("text", 0)},
    ("POST", API + "/offboardings/{id:int}/transition"): {
        "version": ("int", 1), "to": ("enum", 1), "comment": ("text", 0)},
    # Registers and risk (src/modules/assets, pinfo, risks).
    ("POST", API + "/assets"): {
        "name": ("str", 1), "asset_type": ("enum", 1), "department_id": ("nid", 0),
        "custodian": ("str", 0), "location": ("str", 0), "classification_id": ("nid", 1),
        "c": ("int", 1), "i": ("int", 1), "a": ("int", 1), "has_pinfo": ("bool", 0),
        "retention": ("str", 0), "disposal": ("str", 0), "access": ("str", 0),
        "notes": ("text", 0), "reviewed_on": ("ndate", 0)},
    ("PATCH", API + "/assets/{id:int}"): {
        "version": ("int", 1), "name": ("str", 0), "asset_type": ("enum", 0),
        "department_id": ("nid", 0), "classification_id": ("nid", 0), "c": ("int", 0),
        "has_pinfo": ("bool", 0), "notes": ("text", 0), "reviewed_on": ("ndate", 0)},
    ("DELETE", API + "/assets/{id:int}"): {"version": ("int", 1)},
    ("POST", API + "/assets/{id:int}/review"): {"version": ("int", 1)},
    ("PATCH", API + "/classifications/{id:int}"): {
        "version": ("int", 1), "label_ja": ("str", 0), "label_en": ("str", 0)},
    ("POST", API + "/classifications"): {
        "label_ja": ("str", 1), "label_en": ("str", 1), "position": ("int", 0)},
    ("DELETE", API + "/classifications/{id:int}"): {"version": ("int", 1)},
    ("POST", API + "/pinfo"): {
        "name": ("str", 1), "department_id": ("nid", 0), "items": ("text", 1),
        "purpose": ("text", 1), "storage_location": ("str", 1), "storage_method": ("str", 1),
        "access": ("str", 1), "use_until": ("str", 1), "retention_until": ("str", 1),
        "record_count": ("nint", 0), "subjects": ("str", 0), "sensitive": ("bool", 0),
        "acquisition": ("str", 0), "direct_written": ("bool", 0), "purpose_notice": ("str", 0),
        "consent": ("str", 0), "third_party": ("str", 0), "contractor": ("str", 0),
        "disposal": ("str", 0), "notes": ("text", 0), "lc_acquire_risks": ("text", 0), "lc_acquire_controls": ("text", 0), "lc_transfer_risks": ("text", 0), "lc_transfer_controls": ("text", 0), "lc_use_risks": ("text", 0), "lc_use_controls": ("text", 0), "lc_store_risks": ("text", 0), "lc_store_controls": ("text", 0), "lc_dispose_risks": ("text", 0), "lc_dispose_controls": ("text", 0), 
        "asset_ids": ("intarray", 0), "reviewed_on": ("ndate", 0)},
    ("PATCH", API + "/pinfo/{id:int}"): {
        "version": ("int", 1), "name": ("str", 0), "items": ("text", 0),
        "record_count": ("nint", 0), "sensitive": ("bool", 0), "lc_use_risks": ("text", 0),
        "asset_ids": ("intarray", 0), "reviewed_on": ("ndate", 0)},
    ("DELETE", API + "/pinfo/{id:int}"): {"version": ("int", 1)},
    ("POST", API + "/pinfo/{id:int}/review"): {"version": ("int", 1)},
    ("POST", API + "/risks"): {
        "asset_id": ("nid", 0), "pinfo_id": ("nid", 0), "threat": ("text", 1),
        "vulnerability": ("text", 1), "likelihood": ("int", 1), "impact": ("int", 1),
        "treatment": ("enum", 1), "measures": ("text", 0), "control_ids": ("intarray", 0),
        "residual_likelihood": ("nint", 0), "residual_impact": ("nint", 0),
        "owner_id": ("nid", 0), "review_on": ("ndate", 0)},
    ("PATCH", API + "/risks/{id:int}"): {
        "version": ("int", 1), "threat": ("text", 0), "likelihood": ("int", 0),
        "treatment": ("enum", 0), "control_ids": ("intarray", 0), "residual_impact": ("nint", 0),
        "owner_id": ("nid", 0), "review_on": ("ndate", 0)},
    ("DELETE", API + "/risks/{id:int}"): {"version": ("int", 1)},
    ("POST", API + "/risks/{id:int}/accept"): {"version": ("int", 1), "comment": ("text", 1)},
    ("PATCH", API + "/risks/settings"): {"version": ("int", 1), "scale": ("int", 0)},
    ("PATCH", API + "/soa/{id:int}"): {
        "version": ("int", 1), "applicable": ("bool", 0), "justification": ("text", 0),
        "status": ("enum", 0), "evidence": ("text", 0)},
    # Devices, loans and removable media (src/modules/devices).
    ("PATCH", API + "/devices/settings"): {
        "version": ("int", 1), "definitions_max_days": ("int", 0), "patch_max_days": ("int", 0)},
    ("POST", API + "/devices"): {
        "asset_tag": ("str", 1), "kind": ("enum", 1), "model": ("str", 0), "serial": ("str", 0),
        "department_id": ("nid", 0), "holder_id": ("nid", 0), "status": ("enum", 0),
        "os": ("str", 0), "os_version": ("str", 0), "patched_on": ("ndate", 0),
        "antivirus": ("str", 0), "definitions_on": ("ndate", 0), "disk_encrypted": ("bool", 0),
        "bios_password": ("bool", 0), "screen_lock_minutes": ("nint", 0),
        "p2p_present": ("bool", 0), "wire_lock": ("bool", 0), "portable": ("bool", 0),
        "asset_id": ("nid", 0), "notes": ("text", 0)},
    ("PATCH", API + "/devices/{id:int}"): {
        "version": ("int", 1), "asset_tag": ("str", 0), "kind": ("enum", 0), "model": ("str", 0),
        "serial": ("str", 0), "department_id": ("nid", 0), "holder_id": ("nid", 0),
        "status": ("enum", 0), "os": ("str", 0), "os_version": ("str", 0),
        "patched_on": ("ndate", 0), "antivirus": ("str", 0), "definitions_on": ("ndate", 0),
        "disk_encrypted": ("bool", 0), "bios_password": ("bool", 0),
        "screen_lock_minutes": ("nint", 0), "p2p_present": ("bool", 0), "wire_lock": ("bool", 0),
        "portable": ("bool", 0), "asset_id": ("nid", 0), "notes": ("text", 0)},
    ("POST", API + "/devices/{id:int}/dispose"): {
        "version": ("int", 1), "method": ("enum", 1), "certificate_no": ("str", 0),
        "disposed_by": ("str", 1), "disposed_on": ("ndate", 1), "witness": ("str", 0),
        "note": ("text", 0)},
    ("POST", API + "/loans"): {
        "borrower_id": ("nid", 0), "device_id": ("nid", 0), "device_kind": ("enum", 0),
        "duty": ("str", 1), "contact": ("str", 1), "starts_on": ("ndate", 1),
        "due_on": ("ndate", 1)},
    ("PATCH", API + "/loans/{id:int}"): {
        "version": ("int", 1), "device_id": ("nid", 0), "device_kind": ("enum", 0),
        "duty": ("str", 0), "contact": ("str", 0), "starts_on": ("ndate", 0),
        "due_on": ("ndate", 0)},
    ("POST", API + "/loans/{id:int}/transition"): {
        "version": ("int", 1), "to": ("enum", 1), "comment": ("text", 0)},
    ("POST", API + "/loans/{id:int}/handover"): {
        "version": ("int", 1), "device_id": ("nid", 0), "encrypted": ("bool", 1),
        "definitions_on": ("ndate", 1), "software_ok": ("bool", 1), "note": ("text", 0)},
    ("POST", API + "/loans/{id:int}/return"): {
        "version": ("int", 1), "data_erased": ("bool", 1), "virus_scanned": ("bool", 1),
        "software_ok": ("bool", 1), "condition": ("enum", 1), "note": ("text", 0)},
    ("POST", API + "/media-requests"): {
        "device_id": ("nid", 1), "purpose": ("text", 1), "data_description": ("text", 1),
        "classification_id": ("nid", 1), "personal_info": ("bool", 0), "encrypted": ("bool", 0),
        "password_protected": ("bool", 0), "starts_on": ("ndate", 1), "ends_on": ("ndate", 1)},
    ("PATCH", API + "/media-requests/{id:int}"): {
        "version": ("int", 1), "device_id": ("nid", 0), "purpose": ("text", 0),
        "data_description": ("text", 0), "classification_id": ("nid", 0),
        "personal_info": ("bool", 0), "encrypted": ("bool", 0), "password_protected": ("bool", 0),
        "starts_on": ("ndate", 0), "ends_on": ("ndate", 0)},
    ("POST", API + "/media-requests/{id:int}/transition"): {
        "version": ("int", 1), "to": ("enum", 1), "comment": ("text", 0)},
    ("POST", API + "/soa/versions"): {"note": ("text", 1)},
    # Take-out requests (src/modules/takeouts).
    ("POST", API + "/takeouts/requirements"): {
        "purpose": ("text", 0), "destination": ("str", 0), "leave_on": ("ndate", 0),
        "return_on": ("ndate", 0), "repeating": ("bool", 0), "checker_id": ("nid", 0),
        "encrypted": ("bool", 0), "password": ("bool", 0), "copy": ("bool", 0),
        "minimum": ("bool", 0), "by_hand": ("bool", 0), "items": ("objarray", 1)},
    ("POST", API + "/takeouts"): {
        "purpose": ("text", 1), "destination": ("str", 1), "leave_on": ("ndate", 1),
        "return_on": ("ndate", 1), "repeating": ("bool", 0), "checker_id": ("nid", 1),
        "encrypted": ("bool", 0), "password": ("bool", 0), "copy": ("bool", 0),
        "minimum": ("bool", 0), "by_hand": ("bool", 0), "items": ("objarray", 1)},
    ("POST", API + "/takeouts/{id:int}/resubmit"): {
        "version": ("int", 1), "purpose": ("text", 1), "destination": ("str", 1), "leave_on": ("ndate", 1),
        "return_on": ("ndate", 1), "repeating": ("bool", 0), "checker_id": ("nid", 1),
        "encrypted": ("bool", 0), "password": ("bool", 0), "copy": ("bool", 0),
        "minimum": ("bool", 0), "by_hand": ("bool", 0), "items": ("objarray", 1)},
    ("POST", API + "/takeouts/{id:int}/transition"): {
        "version": ("int", 1), "to": ("enum", 1), "comment": ("text", 0), "back_on": ("ndate", 0)},
    ("POST", API + "/takeouts/{id:int}/return"): {
        "version": ("int", 1), "back_ids": ("intarray", 1)},
    ("POST", API + "/takeouts/{id:int}/confirm"): {"version": ("int", 1), "comment": ("text", 0)},
    ("POST", API + "/takeouts/{id:int}/missing"): {
        "version": ("int", 1), "item_id": ("nid", 1), "note": ("text", 1)},
    ("POST", API + "/takeouts/{id:int}/checker"): {
        "version": ("int", 1), "checker_id": ("nid", 1), "comment": ("text", 1)},
    # Training (src/modules/training).
    ("POST", API + "/courses"): {
        "title_ja": ("str", 1), "title_en": ("str", 0), "description_ja": ("text", 0),
        "description_en": ("text", 0), "draw_count": ("int", 0), "pass_percent": ("int", 0),
        "time_limit_minutes": ("int", 0), "max_attempts": ("int", 0)},
    ("PATCH", API + "/courses/{id:int}"): {
        "version": ("int", 1), "title_ja": ("str", 0), "title_en": ("str", 0),
        "description_ja": ("text", 0), "draw_count": ("int", 0), "pass_percent": ("int", 0),
        "time_limit_minutes": ("int", 0), "max_attempts": ("int", 0), "archived": ("bool", 0)},
    ("POST", API + "/courses/{id:int}/publish"): {"version": ("int", 1)},
    ("POST", API + "/courses/{id:int}/lessons"): {
        "title_ja": ("str", 1), "title_en": ("str", 0), "body_ja": ("text", 0),
        "body_en": ("text", 0), "position": ("int", 0)},
    ("PATCH", API + "/training/lessons/{id:int}"): {
        "version": ("int", 1), "title_ja": ("str", 0), "body_ja": ("text", 0),
        "position": ("int", 0)},
    ("POST", API + "/courses/{id:int}/questions"): {
        "key": ("str", 0), "topic": ("str", 1), "situation_ja": ("text", 1),
        "situation_en": ("text", 0), "choices_ja": ("strarray", 1), "choices_en": ("strarray", 0),
        "correct": ("intarray", 0), "explanation_ja": ("text", 1), "explanation_en": ("text", 0)},
    ("PATCH", API + "/training/questions/{id:int}"): {
        "version": ("int", 1), "topic": ("str", 0), "situation_ja": ("text", 0),
        "choices_ja": ("strarray", 0), "correct": ("intarray", 0), "explanation_ja": ("text", 0)},
    ("POST", API + "/training/preview"): {"markdown": ("text", 1)},
    ("PUT", API + "/training/attempts/{id:int}/answers"): {
        "position": ("int", 1), "choices": ("intarray", 0)},
    ("POST", API + "/training/assignments"): {
        "course_id": ("nid", 1), "targets": ("strarray", 1), "starts_on": ("ndate", 0),
        "due_date": ("ndate", 1), "recurrence": ("enum", 0)},
    ("PATCH", API + "/training/assignments/{id:int}"): {
        "version": ("int", 1), "targets": ("strarray", 0), "due_date": ("ndate", 0),
        "recurrence": ("enum", 0), "active": ("bool", 0)},
    # Visitor slips, the kiosk, sites and the office log (src/modules/visits).
    ("POST", API + "/visits"): {
        "visitor_name": ("str", 1), "visitor_company": ("nstr", 0), "purpose": ("str", 1),
        "host_id": ("nid", 0), "site_id": ("nid", 0), "expected_arrival_at": ("ntime", 0),
        "expected_departure_at": ("ntime", 0), "areas": ("strarray", 0), "escorted": ("bool", 0),
        "badge_number": ("nstr", 0), "arrived": ("bool", 0), "notice_accepted": ("bool", 0)},
    ("PATCH", API + "/visits/{id:int}"): {
        "version": ("int", 1), "visitor_name": ("str", 0), "visitor_company": ("nstr", 0),
        "purpose": ("str", 0), "host_id": ("nid", 0), "site_id": ("nid", 0),
        "expected_arrival_at": ("ntime", 0), "expected_departure_at": ("ntime", 0),
        "areas": ("strarray", 0), "escorted": ("bool", 0), "badge_number": ("nstr", 0)},
    ("POST", API + "/visits/{id:int}/transition"): {
        "version": ("int", 1), "to": ("enum", 1), "at": ("ntime", 0), "badge_number": ("nstr", 0),
        "badge_returned": ("bool", 0), "notice_accepted": ("bool", 0)},
    ("POST", API + "/visits/{id:int}/badge-return"): {"version": ("int", 1)},
    ("PATCH", API + "/visits/settings"): {
        "version": ("int", 1), "notice_ja": ("text", 0), "notice_en": ("text", 0),
        "kiosk_idle_minutes": ("int", 0)},
    ("POST", API + "/visits/kiosk"): {"site_id": ("nid", 1)},
    ("POST", API + "/kiosk/visits"): {
        "visitor_name": ("str", 1), "visitor_company": ("str", 0), "purpose": ("str", 1),
        "host_name": ("str", 0), "notice_accepted": ("bool", 0), "locale": ("enum", 0)},
    ("POST", API + "/sites"): {
        "name": ("str", 1), "address": ("nstr", 0), "manager_id": ("nid", 0),
        "track_closing": ("bool", 0)},
    ("PATCH", API + "/sites/{id:int}"): {
        "version": ("int", 1), "name": ("str", 0), "address": ("nstr", 0),
        "manager_id": ("nid", 0), "track_closing": ("bool", 0), "active": ("bool", 0)},
    ("POST", API + "/office-log/open"): {"site_id": ("nid", 1), "day": ("ndate", 0)},
    ("POST", API + "/office-log/close"): {
        "site_id": ("nid", 1), "day": ("ndate", 0), "windows": ("bool", 1),
        "cabinets": ("bool", 1), "pcs_off": ("bool", 1), "alarm_set": ("bool", 1),
        "note": ("text", 0)},
    # Retention (src/retention, src/modules/retention).
    ("POST", API + "/retention/periods"): {"kind": ("str", 1), "months": ("int", 1),
                                           "version": ("int", 1)},
    ("POST", API + "/retention/holds"): {"kind": ("str", 1), "record_id": ("nid", 0),
                                         "reason": ("text", 1)},
    ("POST", API + "/retention/holds/{id:int}/lift"): {"version": ("int", 1),
                                                       "reason": ("text", 1)},
    # Checklists, policies and pledges (src/modules/checklists, src/modules/policies).
    ("POST", API + "/checklists"): {
        "title_ja": ("str", 1), "title_en": ("str", 0), "description_ja": ("text", 0),
        "description_en": ("text", 0), "content": ("object", 0)},
    ("PATCH", API + "/checklists/{id:int}"): {
        "version": ("int", 1), "title_ja": ("str", 0), "title_en": ("str", 0),
        "description_ja": ("text", 0), "description_en": ("text", 0), "content": ("object", 0),
        "archived": ("bool", 0)},
    ("POST", API + "/checklists/{id:int}/publish"): {"version": ("int", 1)},
    ("POST", API + "/checklist-campaigns"): {
        "template_id": ("nid", 1), "title": ("str", 0), "targets": ("strarray", 1),
        "starts_on": ("ndate", 0), "due_on": ("ndate", 1), "recurrence": ("enum", 0)},
    ("POST", API + "/checklist-answers/{id:int}/action"): {
        "owner": ("enum", 1), "due_on": ("ndate", 0), "title": ("str", 0), "plan": ("text", 0)},
    ("POST", API + "/policies"): {
        "category": ("enum", 1), "title_ja": ("str", 1), "title_en": ("str", 0),
        "on_hire": ("bool", 0), "on_exit": ("bool", 0), "hire_due_days": ("int", 0)},
    ("POST", API + "/policies/preview"): {"markdown": ("text", 1)},
    ("PATCH", API + "/policies/{id:int}"): {
        "version": ("int", 1), "category": ("enum", 0), "title_ja": ("str", 0),
        "title_en": ("str", 0), "on_hire": ("bool", 0), "on_exit": ("bool", 0),
        "hire_due_days": ("int", 0)},
    ("POST", API + "/policies/{id:int}/versions"): {
        "body_ja": ("text", 0), "body_en": ("text", 0), "effective_on": ("ndate", 0),
        "change_note": ("text", 1)},
    ("PATCH", API + "/policy-versions/{id:int}"): {
        "version": ("int", 1), "format": ("enum", 0), "body_ja": ("text", 0),
        "body_en": ("text", 0), "effective_on": ("ndate", 0), "change_note": ("text", 0)},
    ("POST", API + "/policy-versions/{id:int}/transition"): {
        "version": ("int", 1), "to": ("enum", 1), "comment": ("text", 0)},
    ("POST", API + "/pledges/campaigns"): {
        "policy_id": ("nid", 1), "title": ("str", 0), "targets": ("strarray", 1),
        "starts_on": ("ndate", 0), "due_on": ("ndate", 1), "recurrence": ("enum", 0)},
    ("POST", API + "/pledges/exit"): {"user_id": ("nid", 1), "due_on": ("ndate", 0)},
    ("POST", API + "/pledges/items/{id:int}/acknowledge"): {
        "version": ("int", 1), "policy_version_id": ("nid", 1), "password": ("str", 1)},
    # Internal audit and management review (src/modules/internal_audit, src/modules/reviews).
    ("POST", API + "/audit-programmes"): {"year": ("int", 1), "title": ("str", 1),
                                          "objectives": ("text", 0)},
    ("PATCH", API + "/audit-programmes/{id:int}"): {
        "version": ("int", 1), "year": ("int", 0), "title": ("str", 0), "objectives": ("text", 0)},
    ("POST", API + "/audits"): {
        "programme_id": ("nid", 1), "title": ("str", 1), "scope": ("text", 0),
        "req_sets": ("strarray", 0), "starts_on": ("ndate", 1), "ends_on": ("ndate", 1),
        "lead_id": ("nid", 1), "auditor_ids": ("intarray", 0), "department_ids": ("intarray", 1)},
    ("PATCH", API + "/audits/{id:int}"): {
        "version": ("int", 1), "programme_id": ("nid", 0), "title": ("str", 0),
        "scope": ("text", 0), "req_sets": ("strarray", 0), "starts_on": ("ndate", 0),
        "ends_on": ("ndate", 0), "lead_id": ("nid", 0), "auditor_ids": ("intarray", 0),
        "department_ids": ("intarray", 0), "summary": ("text", 0)},
    ("POST", API + "/audits/{id:int}/transition"): {
        "version": ("int", 1), "to": ("enum", 1), "comment": ("text", 0)},
    ("POST", API + "/audits/{id:int}/checklist"): {"sets": ("strarray", 1)},
    ("POST", API + "/audits/{id:int}/items"): {
        "code": ("str", 1), "title_ja": ("str", 1), "title_en": ("str", 0),
        "department_id": ("nid", 0)},
    ("PATCH", API + "/audit-items/{id:int}"): {
        "version": ("int", 1), "result": ("nenum", 0), "evidence": ("text", 0),
        "note": ("text", 0), "department_id": ("nid", 0)},
    ("DELETE", API + "/audit-items/{id:int}"): {"version": ("int", 1)},
    ("POST", API + "/audits/{id:int}/findings"): {
        "item_id": ("nid", 0), "department_id": ("nid", 1), "grade": ("enum", 1),
        "requirement": ("str", 0), "statement": ("text", 1), "evidence": ("text", 0),
        "due_on": ("ndate", 0), "owner_id": ("nid", 0), "effectiveness_due": ("ndate", 0)},
    ("POST", API + "/audit-findings/{id:int}/response"): {
        "version": ("int", 1), "cause": ("text", 1), "plan": ("text", 1)},
    ("POST", API + "/audit-findings/{id:int}/action"): {
        "version": ("int", 1), "due_on": ("ndate", 1), "owner_id": ("nid", 0),
        "effectiveness_due": ("ndate", 0)},
    ("POST", API + "/audit-requirements"): {
        "set": ("enum", 1), "code": ("str", 1), "title_ja": ("str", 1), "title_en": ("str", 0)},
    ("PATCH", API + "/audit-requirements/{id:int}"): {
        "version": ("int", 1), "code": ("str", 0), "title_ja": ("str", 0), "title_en": ("str", 0),
        "active": ("bool", 0)},
    ("POST", API + "/reviews"): {
        "title": ("str", 1), "period_from": ("ndate", 1), "period_to": ("ndate", 1),
        "held_on": ("ndate", 0), "attendees": ("text", 0), "context_changes": ("text", 0),
        "other_inputs": ("text", 0)},
    ("PATCH", API + "/reviews/{id:int}"): {
        "version": ("int", 1), "title": ("str", 0), "period_from": ("ndate", 0),
        "period_to": ("ndate", 0), "held_on": ("ndate", 0), "attendees": ("text", 0),
        "context_changes": ("text", 0), "other_inputs": ("text", 0), "summary": ("text", 0)},
    ("POST", API + "/reviews/{id:int}/transition"): {
        "version": ("int", 1), "to": ("enum", 1), "comment": ("text", 0)},
    ("POST", API + "/reviews/{id:int}/decisions"): {
        "kind": ("enum", 1), "body": ("text", 1), "owner_id": ("nid", 0), "due_on": ("ndate", 0)},
    ("PATCH", API + "/review-decisions/{id:int}"): {
        "version": ("int", 1), "kind": ("enum", 0), "body": ("text", 0), "owner_id": ("nid", 0),
        "due_on": ("ndate", 0)},
    ("DELETE", API + "/review-decisions/{id:int}"): {"version": ("int", 1)},
    ("POST", API + "/review-decisions/{id:int}/action"): {
        "version": ("int", 1), "title": ("str", 0), "owner_id": ("nid", 0), "due_on": ("ndate", 0)},
}

# A value of each kind that passes the schema (rules behind it may still refuse it; the
# sweep never sends a body that passes the schema as a whole).
GOOD = {"str": "abc12345", "nstr": "x@example.jp", "text": "line one\nline two", "int": 5,
        "nid": 1, "enum": None, "strarray": ["employee"], "bool": True, "ndate": "2099-01-01",
        "nenum": None, "nint": 5, "ntext": "line one\nline two", "time": "2026-01-01T00:00:00Z",
        "ntime": "2026-01-01T00:00:00Z", "intarray": [1], "object": {"a": 1}, "objarray": []}
ENUMS = {"locale": "ja", "employment_type": "regular"}
# Enum fields whose choices differ from route to route: (method, path, field) -> a valid value.
ROUTE_ENUMS = {
    ("POST", API + "/incidents", "kind"): "incident",
    ("POST", API + "/incidents", "category"): "loss",
    ("PATCH", API + "/incidents/{id:int}", "kind"): "near_miss",
    ("PATCH", API + "/incidents/{id:int}", "category"): "virus",
    ("PATCH", API + "/incidents/{id:int}", "severity"): "high",
    ("POST", API + "/incidents/{id:int}/transition", "to"): "triage",
    ("POST", API + "/incidents/{id:int}/reports", "kind"): "ppc_final",
    ("POST", API + "/incidents/{id:int}/reports", "state"): "done",
    ("POST", API + "/incidents/{id:int}/actions", "kind"): "corrective",
    ("POST", API + "/actions", "kind"): "preventive",
    ("PATCH", API + "/actions/{id:int}", "kind"): "corrective",
    ("POST", API + "/actions/{id:int}/status", "to"): "done",
    ("POST", API + "/actions/{id:int}/effectiveness", "result"): "effective",
    ("POST", API + "/approvals/{id:int}/decision", "decision"): "approve",
    ("POST", API + "/account-requests", "kind"): "new",
    ("POST", API + "/account-requests/{id:int}/transition", "to"): "submitted",
    ("POST", API + "/access-reviews", "recurrence"): "once",
    ("PATCH", API + "/mail/settings", "security"): "starttls",
    ("POST", API + "/offboardings/{id:int}/items", "item"): "id_card",
    ("POST", API + "/offboardings/{id:int}/items", "state"): "done",
    ("POST", API + "/offboardings/{id:int}/transition", "to"): "done",
    ("POST", API + "/assets", "asset_type"): "data",
    ("PATCH", API + "/assets/{id:int}", "asset_type"): "paper",
    ("POST", API + "/risks", "treatment"): "reduce",
    ("PATCH", API + "/risks/{id:int}", "treatment"): "accept",
    ("PATCH", API + "/soa/{id:int}", "status"): "planned",
    ("POST", API + "/devices", "kind"): "pc",
    ("POST", API + "/devices", "status"): "in_stock",
    ("PATCH", API + "/devices/{id:int}", "kind"): "tablet",
    ("PATCH", API + "/devices/{id:int}", "status"): "lost",
    ("POST", API + "/devices/{id:int}/dispose", "method"): "overwrite",
    ("POST", API + "/loans", "device_kind"): "pc",
    ("PATCH", API + "/loans/{id:int}", "device_kind"): "tablet",
    ("POST", API + "/loans/{id:int}/transition", "to"): "withdrawn",
    ("POST", API + "/loans/{id:int}/return", "condition"): "good",
    ("POST", API + "/media-requests/{id:int}/transition", "to"): "withdrawn",
    ("POST", API + "/training/assignments", "recurrence"): "yearly",
    ("POST", API + "/takeouts/{id:int}/transition", "to"): "out",
    ("PATCH", API + "/training/assignments/{id:int}", "recurrence"): "once",
    ("POST", API + "/checklist-campaigns", "recurrence"): "monthly",
    ("POST", API + "/checklist-answers/{id:int}/action", "owner"): "person",
    ("POST", API + "/policies", "category"): "standard",
    ("PATCH", API + "/policies/{id:int}", "category"): "pledge",
    ("PATCH", API + "/policy-versions/{id:int}", "format"): "markdown",
    ("POST", API + "/policy-versions/{id:int}/transition", "to"): "submitted",
    ("POST", API + "/pledges/campaigns", "recurrence"): "yearly",
    ("PATCH", API + "/settings", "setup_state"): "skipped",
    ("POST", API + "/visits/{id:int}/transition", "to"): "arrived",
    ("POST", API + "/audits/{id:int}/transition", "to"): "in_progress",
    ("PATCH", API + "/audit-items/{id:int}", "result"): "conforms",
    ("POST", API + "/audits/{id:int}/findings", "grade"): "minor",
    ("POST", API + "/audit-requirements", "set"): "own",
    ("POST", API + "/reviews/{id:int}/transition", "to"): "submitted",
    ("POST", API + "/reviews/{id:int}/decisions", "kind"): "decision",
    ("PATCH", API + "/review-decisions/{id:int}", "kind"): "instruction",
}
# Integer fields whose range does not take GOOD["int"] (5): (method, path, field) -> value.
ROUTE_INTS = {
    (m, API + p, f): 1 for m, p in (("POST", "/assets"), ("PATCH", "/assets/{id:int}"),
                                    ("POST", "/risks"), ("PATCH", "/risks/{id:int}"))
    for f in ("c", "i", "a", "likelihood", "impact", "residual_likelihood", "residual_impact")
}
ROUTE_INTS.update({(m, API + p, "year"): 2026 for m, p in (
    ("POST", "/audit-programmes"), ("PATCH", "/audit-programmes/{id:int}"))})

# Values of the wrong type for each kind: (value, code).
WRONG = {
    "str": [(123, "invalid_type"), (True, "invalid_type"), ([], "invalid_type"),
            ({}, "invalid_type"), (None, None), ("a\u0001b", "invalid_text"),
            ("a\nb", "invalid_text"), ("a\u007fb", "invalid_text"),
            ("x" * 5000, "too_long")],
    "text": [(1.5, "invalid_type"), (["x"], "invalid_type"), (None, None),
             ("a\u0007b", "invalid_text")],
    "int": [("5", "invalid_type"), (1.5, "invalid_type"), (True, "invalid_type"),
            (None, None), ([1], "invalid_type"), (-5, "out_of_range")],
    "nid": [("1", "invalid_type"), (0, "out_of_range"), (-1, "out_of_range"),
            (2.0, "invalid_type"), (False, "invalid_type")],
    "enum": [(1, "invalid_type"), ("nope", "invalid_choice"), ("JA", "invalid_choice"),
             (None, None)],
    "strarray": [("employee", "invalid_type"), ([1], "invalid_type"), ([""], "invalid_type"),
                 ([None], "invalid_type"), (["x"] * 101, "invalid_type"),
                 ({"a": 1}, "invalid_type")],
    "bool": [("true", "invalid_type"), (1, "invalid_type"), (None, None)],
    "ndate": [(20990101, "invalid_type"), ("2099-13-01", "invalid_date"),
              ("2099-02-29", "invalid_date"), ("99-01-01", "invalid_date"),
              ("2099-01-01T00:00:00Z", "invalid_date")],
    "nstr": [(5, "invalid_type"), ("x" * 300, "too_long")],
    "nenum": [(1, "invalid_type"), ("nope", "invalid_choice")],
    "nint": [("5", "invalid_type"), (1.5, "invalid_type"), (True, "invalid_type"),
             (-5, "out_of_range")],
    "ntext": [(1.5, "invalid_type"), (["x"], "invalid_type"), ("a\u0007b", "invalid_text")],
    "time": [(5, "invalid_type"), ("2026-01-01", "invalid_time"), ("yesterday", "invalid_time"),
             ("2026-01-01T25:00:00Z", "invalid_time"), (None, None)],
    "ntime": [(5, "invalid_type"), ("2026-13-01T00:00:00Z", "invalid_time")],
    "intarray": [("1", "invalid_type"), (["1"], "invalid_type"), ([0], "invalid_type"),
                 ([1] * 101, "invalid_type"), (None, "invalid_type")],
    "object": [("x", "invalid_type"), ([1], "invalid_type"), (5, "invalid_type"), (None, None),
               ({"a": "x" * 70000}, "too_long")],
    "objarray": [("x", "invalid_type"), ({"a": 1}, "invalid_type"), ([1], "invalid_type"),
                 (["x"], "invalid_type"), ([{}] * 101, "invalid_type"), (None, None)],
}

MALFORMED = [b"{", b"}", b'{"a":}', b"{'a':1}", b'{"a":1}x', b'{"a":1,}', b"{a:1}",
             b'{"a":1,"a":2}', b'{"a":NaN}', b'{"version":1e400}',
             b'{"version":99999999999999999999999}', b'{"a":"\\ud800"}', b'{"a":"\\u0000"}',
             b'{"a":"\\x41"}', b"\xef\xbb\xbf{}", b"[" * 100000, b'{"a":' * 50000]
NOT_OBJECTS = [b"[]", b"[{}]", b"1", b'"x"', b"null", b"true"]
BAD_UTF8 = [b'{"login":"\xff"}', b'{"login":"\xc3\x28"}', b'{"a":"\xc0\xaf"}',
            b'{"a":"\xed\xa0\x80"}', b'{"a":"\xf4\x90\x80\x80"}', b'{"\xfe":1}',
            b'{"a":"ok"}\xff']


def load_routes():
    r = subprocess.run([BIN, "routes"], capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


class InputSweepTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.routes = [r for r in load_routes() if r["has_body"]]
        # A reception kiosk on a tablet, for the kiosk's own route (nothing else answers it).
        cls.kiosk = cls.admin.new_client()
        r = cls.kiosk.post(API + "/visits/kiosk", {"site_id": None})
        assert r.status == 200, r

    def setUp(self):
        self.head = self.srv.audit_head()
        self.before = self.counts()

    def tearDown(self):
        # Refused requests store nothing, not even an audit event.
        self.assertEqual(self.srv.audit_head(), self.head, "something was stored")
        self.assertEqual(self.counts(), self.before, "something was stored")

    def counts(self):
        return self.srv.sql(
            "SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM departments), "
            "(SELECT COUNT(*) FROM roles), (SELECT COUNT(*) FROM role_permissions), "
            "(SELECT COUNT(*) FROM settings), (SELECT MAX(version) FROM users), "
            "(SELECT COUNT(*) FROM password_history)")[0]

    def client_for(self, route):
        if route["permission"] == "kiosk":
            return self.kiosk
        return Client(self.srv) if route["permission"] == "public" else self.admin.client

    def path(self, route):
        return route["path"].replace("{id:int}", "1")

    def send(self, route, raw=None, body=None, **kw):
        c = self.client_for(route)
        if raw is not None:
            r = c.request(route["method"], self.path(route), raw=raw, **kw)
        else:
            r = c.request(route["method"], self.path(route), body=body, **kw)
        self.assertLess(r.status, 500, r)
        return r

    def valid_body(self, key):
        body = {}
        for f, (kind, _) in SCHEMAS[key].items():
            body[f] = (ROUTE_ENUMS.get(key + (f,), ENUMS.get(f)) if kind in ("enum", "nenum")
                       else ROUTE_INTS.get(key + (f,), GOOD[kind]))
        return body

    def test_every_body_route_is_in_the_sweep(self):
        self.assertEqual({(r["method"], r["path"]) for r in self.routes}, set(SCHEMAS))

    def test_malformed_json(self):
        for route in self.routes:
            for raw in MALFORMED:
                with self.subTest(route=route["path"], method=route["method"], raw=raw[:20]):
                    # Without a session nobody sends more than 64 KiB (BODY_LIMIT_PUBLIC).
                    if route["permission"] == "public" and len(raw) > 64 * 1024:
                        self.assertProblem(self.send(route, raw=raw), 413, "too_large")
                    else:
                        self.assertProblem(self.send(route, raw=raw), 400, "malformed_json")

    def test_not_an_object(self):
        for route in self.routes:
            for raw in NOT_OBJECTS:
                with self.subTest(route=route["path"], method=route["method"], raw=raw):
                    self.assertProblem(self.send(route, raw=raw), 400, "malformed_json")

    def test_invalid_utf8(self):
        for route in self.routes:
            for raw in BAD_UTF8:
                with self.subTest(route=route["path"], method=route["method"], raw=raw):
                    self.assertProblem(self.send(route, raw=raw), 400, "invalid_utf8")

    def test_wrong_types(self):
        for route in self.routes:
            key = (route["method"], route["path"])
            for field, (kind, required) in SCHEMAS[key].items():
                for value, code in WRONG[kind]:
                    if value is None:
                        code = "required" if required else "invalid_type"
                    body = self.valid_body(key)
                    body[field] = value
                    with self.subTest(route=route["path"], method=route["method"], field=field,
                                      value=repr(value)[:30]):
                        r = self.send(route, body=body)
                        self.assertFieldError(r, field, code)
                        self.assertEqual(set(r.error_fields()), {field}, r)

    def test_missing_required(self):
        for route in self.routes:
            key = (route["method"], route["path"])
            for field, (kind, required) in SCHEMAS[key].items():
                if not required:
                    continue
                body = self.valid_body(key)
                del body[field]
                with self.subTest(route=route["path"], method=route["method"], field=field):
                    r = self.send(route, body=body)
                    self.assertFieldError(r, field, "required")
                    self.assertEqual(r.error_fields(), {field: ["required"]}, r)
            # An empty body is an empty object: every required field is named.
            with self.subTest(route=route["path"], method=route["method"], body="none"):
                required = {f for f, (_, req) in SCHEMAS[key].items() if req}
                r = self.send(route, raw=b"")
                self.assertProblem(r, 422, "validation")
                self.assertEqual(set(r.error_fields()), required, r)

    def test_unknown_fields(self):
        for route in self.routes:
            key = (route["method"], route["path"])
            for extra in ("is_admin", "id", "password_hash", "__proto__", ""):
                body = self.valid_body(key)
                body[extra] = 1
                with self.subTest(route=route["path"], method=route["method"], extra=extra):
                    r = self.send(route, body=body)
                    self.assertFieldError(r, extra, "unknown_field")
                    self.assertEqual(set(r.error_fields()), {extra}, r)

    def test_too_large(self):
        big = b'{"name":"' + b"x" * MIB + b'"}'
        for route in self.routes:
            with self.subTest(route=route["path"], method=route["method"]):
                self.assertProblem(self.send(route, raw=big), 413, "too_large")
        # Without a Content-Length (chunked), the limit holds as well.
        r = self.admin.client.post(API + "/departments", raw=big, chunked=True)
        self.assertProblem(r, 413, "too_large")
        r = Client(self.srv).post(API + "/session", raw=big, chunked=True)
        self.assertProblem(r, 413, "too_large")
        # Just under the limit is read and validated.
        near = b'{"name":"' + b"y" * (MIB - 20) + b'"}'
        self.assertFieldError(self.admin.client.post(API + "/departments", raw=near), "name",
                              "too_long")

    def test_body_on_routes_without_one(self):
        admin = self.admin.client
        r = admin.post(API + "/users/1/disable", {"reason": "x"})
        self.assertFieldError(r, "reason", "unknown_field")
        r = admin.request("GET", API + "/users/1", raw=b"{")
        self.assertProblem(r, 400, "malformed_json")
        self.assertEqual(admin.get(API + "/users/1").json["status"], "active")

    def test_query_parameters(self):
        admin = self.admin.client
        for path, field, code in ((API + "/users?bogus=1", "bogus", "unknown_field"),
                                  (API + "/users?q=%FF", "query", "invalid_text"),
                                  (API + "/users?q=a%01b", "query", "invalid_text"),
                                  (API + "/departments?limit=5", "limit", "unknown_field"),
                                  (API + "/audit/events?from=yesterday", "from", "invalid_time"),
                                  (API + "/audit/events?object_id=x", "object_id", "invalid_type"),
                                  (API + "/users/1?expand=all", "expand", "unknown_field")):
            with self.subTest(path=path):
                self.assertFieldError(admin.get(path), field, code)
        # Query parameters on a body route are refused too.
        self.assertFieldError(admin.post(API + "/departments?name=x", {"name": 1}), "name")


class SqlLookingTextTest(ServerTestCase):
    """Text that looks like SQL is stored verbatim and does nothing."""

    EVIL = ["'; DROP TABLE users; --", "Robert'); DROP TABLE students;--", "\" OR 1=1 --",
            "' OR '1'='1", "1; DELETE FROM audit_events", "%' --", "\\'; SELECT 1; --"]

    def test_stored_verbatim(self):
        admin = self.admin.client
        users_before = len(admin.get(API + "/users?limit=200").json["items"])
        ids = []
        for i, evil in enumerate(self.EVIL):
            r = admin.post(API + "/users", {"login": "sql%d" % i, "name": evil, "purpose": evil,
                                            "employment_type": "regular",
                                            "email": "a%d'--@example.jp" % i})
            self.assertEqual(r.status, 201, r)
            self.assertEqual(r.json["user"]["name"], evil)
            ids.append(r.json["user"]["id"])
            d = admin.post(API + "/departments", {"name": evil, "code": evil[:32]})
            self.assertEqual(d.status, 201, d)
            self.assertEqual(d.json["name"], evil)
            role = admin.post(API + "/roles", {"name": "sqlrole%d" % i, "label_ja": evil,
                                               "label_en": evil, "permissions": []})
            self.assertEqual(role.status, 201, role)
            self.assertEqual(role.json["label_en"], evil)
        for i, uid in enumerate(ids):
            u = admin.get(API + "/users/%d" % uid).json
            self.assertEqual(u["name"], self.EVIL[i])
            self.assertEqual(u["purpose"], self.EVIL[i])
        self.assertEqual(len(admin.get(API + "/users?limit=200").json["items"]),
                         users_before + len(self.EVIL))
        # Searches with SQL in them find only what contains that text.
        r = admin.get(API + "/users?limit=200&q=' OR '1'='1".replace(" ", "%20"))
        self.assertEqual([u["name"] for u in r.json["items"]], ["' OR '1'='1"])
        r = admin.get(API + "/users?limit=200&q=%25'%20--")
        self.assertEqual([u["name"] for u in r.json["items"]], ["%' --"])
        r = admin.get(API + "/audit/events?actor=%27%20OR%201%3D1%20--")
        self.assertEqual(r.json["items"], [])
        r = admin.get(API + "/users?role=%27%20OR%20%271%27%3D%271")
        self.assertEqual(r.json["items"], [])
        # Signing in with SQL gets the ordinary refusal.
        for evil in self.EVIL + ["admin' --", "admin'/*"]:
            r = Client(self.srv).sign_in(evil, "' OR '1'='1")
            self.assertProblem(r, 401, "invalid_credentials")
        # The tables are all still there and the trail is intact.
        self.assertEqual(admin.post(API + "/audit/verify").json["intact"], True)
        self.assertEqual(self.srv.cli("audit", "verify").returncode, 0)
