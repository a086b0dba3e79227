namespace Gatehouse.Server.Invitations;

/// <summary>Invitations to organisations and tenants, settings in section <c>Invitations</c>.</summary>
internal static class InvitationsSetup
{
    public static IServiceCollection AddGatehouseInvitations(this IServiceCollection services)
    {
        services.AddScoped<InvitationService>();
        services.AddScoped<InvitationRequests>();
        services.AddOptions<InvitationOptions>().BindConfiguration(InvitationOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        return services;
    }
}
