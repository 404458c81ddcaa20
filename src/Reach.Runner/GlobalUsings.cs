global using System.Text.Json;
global using Microsoft.AspNetCore.Http.HttpResults;
