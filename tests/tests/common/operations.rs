// The 24 operations of the committed specs, as `"operationId" => method(Request) -> Response;`
// rows handed to the macro `$callback`. Test files `include!` this file and define the
// callback, so that each test names every method (a missing one fails to compile) without
// repeating the table.
macro_rules! with_operations {
    ($callback:ident) => {
        $callback! {
            "accountsGet" => accounts_get(AccountsGetRequest) -> AccountsGetResponse;
            "accountsBalanceGet" => accounts_balance_get(AccountsBalanceGetRequest) -> AccountsGetResponse;
            "itemActivityList" => item_activity_list(ItemActivityListRequest) -> ItemActivityListResponse;
            "itemApplicationList" => item_application_list(ItemApplicationListRequest) -> ItemApplicationListResponse;
            "itemApplicationUnlink" => item_application_unlink(ItemApplicationUnlinkRequest) -> ItemApplicationUnlinkResponse;
            "itemApplicationScopesUpdate" => item_application_scopes_update(ItemApplicationScopesUpdateRequest) -> ItemApplicationScopesUpdateResponse;
            "itemGet" => item_get(ItemGetRequest) -> ItemGetResponse;
            "itemRemove" => item_remove(ItemRemoveRequest) -> ItemRemoveResponse;
            "sandboxItemFireWebhook" => sandbox_item_fire_webhook(SandboxItemFireWebhookRequest) -> SandboxItemFireWebhookResponse;
            "itemWebhookUpdate" => item_webhook_update(ItemWebhookUpdateRequest) -> ItemWebhookUpdateResponse;
            "itemAccessTokenInvalidate" => item_access_token_invalidate(ItemAccessTokenInvalidateRequest) -> ItemAccessTokenInvalidateResponse;
            "sandboxItemResetLogin" => sandbox_item_reset_login(SandboxItemResetLoginRequest) -> SandboxItemResetLoginResponse;
            "sandboxItemSetVerificationStatus" => sandbox_item_set_verification_status(SandboxItemSetVerificationStatusRequest) -> SandboxItemSetVerificationStatusResponse;
            "itemPublicTokenExchange" => item_public_token_exchange(ItemPublicTokenExchangeRequest) -> ItemPublicTokenExchangeResponse;
            "itemCreatePublicToken" => item_create_public_token(ItemPublicTokenCreateRequest) -> ItemPublicTokenCreateResponse;
            "itemImport" => item_import(ItemImportRequest) -> ItemImportResponse;
            "webhookVerificationKeyGet" => webhook_verification_key_get(WebhookVerificationKeyGetRequest) -> WebhookVerificationKeyGetResponse;
            "partnerCustomerCreate" => partner_customer_create(PartnerCustomerCreateRequest) -> PartnerCustomerCreateResponse;
            "partnerCustomerGet" => partner_customer_get(PartnerCustomerGetRequest) -> PartnerCustomerGetResponse;
            "partnerCustomerEnable" => partner_customer_enable(PartnerCustomerEnableRequest) -> PartnerCustomerEnableResponse;
            "partnerCustomerRemove" => partner_customer_remove(PartnerCustomerRemoveRequest) -> PartnerCustomerRemoveResponse;
            "partnerCustomerOauthInstitutionsGet" => partner_customer_oauth_institutions_get(PartnerCustomerOAuthInstitutionsGetRequest) -> PartnerCustomerOAuthInstitutionsGetResponse;
            "profileGet" => profile_get(ProfileGetRequest) -> ProfileGetResponse;
            "linkProfileEligibilityCheck" => link_profile_eligibility_check(LinkProfileEligibilityCheckRequest) -> LinkProfileEligibilityCheckResponse;
        }
    };
}
