global using System.Buffers;
global using System.Globalization;
global using System.Text;
global using System.Text.Json;
global using Reach.Core.Errors;
global using Reach.Core.Json;
