//! The realistic mode's words: a few thousand common English words, most frequent first, at the
//! head of the distribution, then made-up words built from syllables for the long tail, all
//! drawn with Zipf frequencies, as words fall off in real text: a handful appear in almost every
//! card, a mid-frequency word such as `telescope` in a few hundred of 100,000, most in a few.

use std::collections::HashSet;

use super::rng::{Rng, Zipf};

/// The Zipf exponent for words; real English text measures close to 1.
const WORD_EXPONENT: f64 = 1.07;

/// Ranks below this are function words (`the`, `of`, `and`, ...), which headlines mostly leave out.
const FUNCTION_WORDS: usize = 60;

/// Common English words, roughly most frequent first, with a lean to news vocabulary.
const COMMON: &str = "
the of and to a in for is on that by with as at from it be was are this has have an will
said after over new not but more its their they his her he she who about up out than been
were into which can could would may also one two year years people first last government
says other all what when there new no we our you your just like after before time new
three back police state world report us city could only many now officials between because
most while under against during since where some such then them these those how why week
day months month today next set make made take takes took get gets got see plan plans
four five six million billion percent per public national company companies group groups
president minister country countries former says told found show shows market markets
school schools health care local home house big high low long small large early late
least less much more well way even still own part parts around through off down including
early near since among across within without another each every any both few several
court law rules bill vote votes election elections party leaders leader team teams game
games season win wins won play players player coach club league final cup match record
climate change energy power oil gas prices price cost costs tax taxes budget bank banks
economy economic growth jobs job workers work working pay rate rates inflation interest
data study research researchers scientists science new health hospital hospitals doctors
patients drug drugs treatment cancer disease virus vaccine vaccines covid water food
war military forces troops attack attacks killed dead death deaths crash fire fires storm
man woman women men children child family families students student young old life lives
business deal deals sales sale stock stocks shares investors firm firms industry chief
executive officer director head board members member union workers staff service services
support help plans plan program programs project projects system systems policy policies
federal county department agency agencies office offices security safety risk risks case
cases trial judge charges charged arrested arrest prison investigation probe report reports
news media social online internet phone phones app apps technology tech software computer
ai artificial intelligence model models chip chips digital network networks cyber users
car cars road roads traffic train trains airport flight flights travel transport bus
street area areas region regional community communities town towns village rural urban
north south east west northern southern eastern western central coast island river lake
land sea ocean mountain park forest beach weather rain snow heat wind flood floods drought
first second third top best biggest major key main new latest recent former future past
open opens opened close closes closed start starts started end ends ended begin begins
return returns returned move moves moved call calls called ask asks asked want wants need
needs use uses used give gives gave keep keeps kept hold holds held bring brings brought
lead leads led run runs ran meet meets met face faces faced seek seeks sought raise raises
raised cut cuts boost boosts hit hits fall falls fell rise rises rose drop drops dropped
warn warns warned urge urges urged announce announces announced launch launches launched
approve approves approved reject rejects rejected accept accepts accepted sign signs signed
build builds built test tests tested expand expands expanded target targets targeted
face faces threat threats crisis crises concern concerns fears fear hope hopes hopes
help helps helped save saves saved lose loses lost miss misses missed join joins joined
leave leaves left stay stays stayed remain remains remained reach reaches reached
history historic culture cultural art arts music film films movie movies book books show
shows series star stars festival museum theatre song songs album artist artists award
awards prize church religious faith god human rights freedom free speech justice equal
trade tariffs exports imports goods supply chain shortage shortages demand production
factory factories plant plants manufacturing farm farms farmers crops harvest land food
housing homes rent rents mortgage mortgages property real estate buyers owners tenants
house senate congress parliament lawmakers legislation law laws rule ruling decision
campaign candidate candidates voters polls poll survey results result count counts
mayor governor council officials official spokesman spokeswoman statement statements
international foreign global domestic border borders migrants immigration refugees
peace talks ceasefire deal sanctions embassy diplomat diplomats allies alliance nato
nuclear missile missiles weapons weapon defence defense army navy air force soldiers
space nasa rocket launch moon mars satellite satellites orbit mission astronauts planet
earth sun star galaxy universe astronomers discovery discovered species animals
wildlife birds fish trees plants nature environmental environment pollution emissions
carbon climate warming temperatures temperature record heatwave wildfire wildfires
solar wind renewable electric vehicles vehicle battery batteries grid electricity coal
mining minerals lithium copper gold silver metal steel aluminium iron materials
university universities college colleges teachers teacher education learning class
classes exam exams degree graduates campus research professor professors scholars
mental stress anxiety depression sleep diet exercise fitness obesity heart brain blood
cells cell gene genes genetic dna protein proteins bacteria infection infections flu
outbreak pandemic symptoms trials clinical medicine medical nurses nurse surgery surgeon
insurance benefits pension pensions retirement savings wealth income poverty poor rich
debt loans loan credit spending consumer consumers retail stores store shopping online
companies startup startups founder founders venture capital funding investment invest
profit profits revenue earnings quarter quarterly losses loss forecast outlook analysts
merger acquisition takeover bid shareholders ceo chairman boardroom strategy brand brands
price prices cheaper expensive cost affordable value worth dollars euros pounds yen
crime crimes murder shooting shootings gun guns violence victim victims suspect suspects
fraud corruption scandal bribery theft robbery drugs trafficking gang gangs officers
accident collapse explosion earthquake tsunami hurricane typhoon tornado volcano eruption
emergency rescue rescued evacuation evacuated damage damaged destroyed repair rebuild
sport sports football soccer basketball baseball tennis golf cricket rugby hockey racing
olympics olympic championship champion champions title titles medal medals gold goal
goals score scored victory defeat draw injury injured transfer signing contract fans
stadium tournament semifinal quarterfinal coach manager captain squad striker keeper
minutes hours night morning evening weekend monday tuesday wednesday thursday friday
saturday sunday january february march april may june july august september october
november december spring summer autumn winter holiday holidays christmas anniversary
age ages aged born died dies death funeral memorial tribute honour legacy life career
mother father son daughter brother sister wife husband parents baby babies girl boy
friend friends neighbours residents citizens population census survey majority minority
language english french german spanish chinese russian arabic indian african american
european asian british australian canadian japanese korean mexican brazilian italian
africa america europe asia china russia india japan germany france britain ukraine
israel iran brazil canada mexico australia italy spain turkey korea pakistan egypt
london paris washington beijing moscow tokyo berlin delhi sydney toronto chicago
boston seattle dallas houston denver atlanta miami detroit phoenix madrid rome dublin
vienna prague warsaw athens lisbon oslo stockholm helsinki copenhagen brussels geneva
cairo lagos nairobi dubai mumbai seoul manila jakarta bangkok singapore lima bogota
new york los angeles san francisco hong kong cape town buenos aires mexico city
power plant station stations line lines bridge bridges tunnel port ports airport
building buildings tower towers hall centre center site sites zone zones facility
water supply waste recycling plastic plastics clean cleaner dirty toxic chemical chemicals
rules regulation regulations regulators regulator watchdog oversight compliance ban bans
banned ban license licence permit permits approval approvals review reviews audit
privacy surveillance data breach hack hackers hacked ransomware attack passwords accounts
platform platforms social video videos streaming stream podcast podcasts channel channels
search engine engines browser cloud server servers code open source developers developer
robot robots robotics automation automated machine machines learning quantum computing
computers semiconductor semiconductors processor processors memory storage device devices
smartphone smartphones tablet laptop screen screens camera cameras sensor sensors drone
drones wearable headset glasses display battery charging charger wireless signal signals
research paper papers journal study studies evidence analysis experiment experiments lab
laboratory theory model models simulation estimate estimates measure measures measured
physics chemistry biology mathematics maths geology astronomy ecology medicine psychology
history economics engineering computer computing statistics survey surveys sample
fossil fossils dinosaur dinosaurs ancient archaeologists remains tomb skeleton bones
ice glacier glaciers arctic antarctic polar sea levels coral reef reefs whales sharks
forest forests rainforest deforestation biodiversity extinction endangered conservation
soil farming agriculture crops wheat rice corn coffee cocoa sugar meat dairy milk beef
restaurant restaurants chef chefs menu cooking recipe recipes wine beer drinks drink bar
fashion designer designers clothes style beauty model models show runway collection
game video games gaming console consoles players esports studio studios release released
television tv broadcast broadcaster radio newspaper newspapers magazine journalists
journalist reporter reporters editor press freedom interview interviews documentary
concert concerts tour touring band bands singer singers stage theatre opera ballet dance
painting paintings gallery galleries exhibition exhibitions sculpture photographer photo
photos image images picture pictures poster posters design architecture architect
novel novels author authors writer writers poet poetry story stories fiction library
court courts supreme appeals appeal lawsuit lawsuits sued sue suing settlement damages
lawyer lawyers attorney attorneys prosecutor prosecutors defence jury verdict sentence
sentenced guilty innocent convicted conviction acquitted bail custody detained detention
protest protests protesters march rally strike strikes striking demonstrators riot
activists activist campaigners campaign group groups movement organisers organizers
charity charities volunteers volunteer donation donations fundraising aid relief
hunger famine poverty homeless homelessness shelter shelters housing crisis affordable
birth births fertility pregnancy abortion maternity children childcare daycare toddlers
elderly ageing aging dementia alzheimer disabilities disability disabled carers care
vaccine vaccination vaccinations doses dose booster immunity antibodies variant variants
hospitalisations hospitalizations cases deaths tests testing lockdown masks distancing
cancer tumour tumor chemotherapy radiation diagnosis screening survival survivors cure
heart stroke diabetes obesity kidney liver lung lungs asthma allergy allergies skin
lupus arthritis sclerosis epilepsy migraine autism adhd insomnia nutrition vitamin
running cycling swimming walking marathon race races runner cyclist swimmer athletes
athlete sprinter hurdles relay javelin triathlon skiing snowboard skating climbing
chess tournament grandmaster board players rating ratings puzzle puzzles quiz trivia
economy recession recovery slowdown boom bust bubble crash rally surge slump plunge
currency currencies exchange bitcoin crypto cryptocurrency blockchain token tokens coins
bond bonds yields treasury treasuries fund funds hedge pension pensions asset assets
gdp output productivity unemployment employment wages wage salary salaries hiring layoffs
manufacturing services exports imports deficit surplus spending stimulus austerity
budget budgets fiscal monetary central reserve fed ecb interest mortgage lending
tourism tourists tourist hotels hotel travelers travellers visitors visitor cruise
airline airlines airports passengers passenger delays delayed cancelled canceled routes
railway railways rail metro subway tram trams cyclists pedestrians highway highways
shipping ships ship vessel vessels container containers cargo freight logistics trucks
truck drivers driver driving driverless autonomous taxi taxis ride delivery deliveries
weather forecast forecasts forecasters storms rainfall sunshine cloud clouds fog frost
temperatures degrees celsius fahrenheit humidity pressure hurricane cyclone monsoon
pollution smog air quality emissions exhaust fumes particles ozone nitrogen methane
ocean oceans currents tides waves coastline coastal erosion sea level rising warming
species habitat habitats migration breeding nest nests eggs insects bees butterflies
wolves bears lions tigers elephants rhinos gorillas monkeys whales dolphins turtles
frogs snakes lizards birds owls eagles penguins seals otters foxes deer horses dogs
cats pets pet owners vets veterinary zoo zoos aquarium sanctuary rangers poaching
plans proposal proposals scheme schemes initiative initiatives strategy reforms reform
overhaul review inquiry commission report findings recommendations consultation feedback
minister ministers cabinet prime premier chancellor secretary spokesperson aide aides
senator senators representative representatives congressman congresswoman delegate
king queen prince princess royal royals palace crown monarchy throne coronation
pope bishop bishops church churches mosque mosques temple temples synagogue prayer
ceremony celebration celebrations parade fireworks festival festivals carnival fair
question questions answer answers problem problems issue issues solution solutions
reason reasons cause causes effect effects impact impacts result results outcome
chance chances opportunity opportunities challenge challenges difficult easy simple
important significant serious major minor critical crucial key vital essential basic
possible likely unlikely certain uncertain clear unclear sure unsure able unable
good better best bad worse worst great greater greatest strong stronger strongest
weak weaker fast faster fastest slow slower quick quickly hard harder easier
true false real fake full empty whole half quarter double single multiple various
different similar same other others new older newer young younger oldest youngest
public private personal official unofficial independent national local state federal
military civilian political economic social legal financial medical scientific
natural artificial human global international foreign domestic regional rural urban
modern ancient traditional historic recent current future previous final initial
likely almost nearly about around roughly approximately exactly just only even still
already soon later earlier again often sometimes never always usually rarely recently
today tonight tomorrow yesterday now then here there where everywhere nowhere somewhere
something nothing everything anything someone nobody everyone anyone thing things
lot lots number numbers amount amounts level levels rate rates share shares total
percent percentage half third quarter dozen hundreds thousands millions billions
decade decades century centuries era generation generations period periods phase
moment moments minute second hour hours days weeks month year anniversary
beginning middle end start finish deadline date dates schedule calendar timeline
building built construction developer developers project site homes apartments flats
neighbourhood neighborhood suburb suburbs downtown district districts borough estate
";

/// Rarer words that still come up in news: they sit past the common head, so a search for one
/// meets a realistic handful of cards.
const RARER: &str = "
telescope observatory nebula supernova exoplanet asteroid comet meteor eclipse aurora
quasar pulsar magnetar cosmology spacecraft lander rover probe payload booster capsule
glacier permafrost tundra savanna wetland estuary archipelago peninsula fjord canyon
volcanologist seismologist meteorologist epidemiologist virologist oncologist
cardiologist neurologist geneticist biologist chemist physicist mathematician economist
algorithm algorithms encryption firmware hardware bandwidth latency broadband fibre
microchip transistor superconductor graphene battery electrolyte hydrogen ammonia
turbine turbines reactor reactors fusion fission uranium plutonium isotope radiation
vaccine antiviral antibiotic antibiotics pathogen pathogens microbiome enzyme enzymes
insulin dialysis transplant prosthetic implant implants stethoscope ventilator scanner
referendum coalition filibuster impeachment amendment constitution ordinance subpoena
indictment testimony affidavit injunction tribunal arbitration extradition asylum
tariff embargo subsidy subsidies dividend dividends buyback valuation liquidity
pipeline refinery drilling fracking offshore onshore barrel barrels crude
harvest drought irrigation fertiliser fertilizer pesticide pesticides orchard vineyard
cathedral monastery mausoleum amphitheatre colosseum citadel fortress lighthouse
manuscript archive archives artefact artifact artefacts relic relics excavation
marathon triathlon velodrome regatta decathlon heptathlon gymnastics fencing archery
symphony orchestra conductor soprano tenor violinist pianist composer choreographer
novelist playwright screenwriter cinematographer animator illustrator cartoonist
bakery brewery distillery creamery patisserie vineyard winery cafe bistro canteen
ferry ferries gondola monorail funicular hovercraft zeppelin glider biplane jetliner
cyclone blizzard hailstorm sandstorm landslide avalanche mudslide sinkhole heatwave
penguin walrus narwhal albatross pelican flamingo cheetah leopard jaguar panther
hedgehog badger beaver otter squirrel chipmunk raccoon porcupine armadillo koala
mosquito locust locusts termite termites beetle beetles dragonfly jellyfish octopus
lupus fibromyalgia psoriasis eczema glaucoma cataract tinnitus vertigo anemia sepsis
";

/// A vocabulary of `size` distinct words, common ones first, and its Zipf sampler.
pub struct Vocab {
    pub words: Vec<String>,
    zipf: Zipf,
}

impl Vocab {
    /// The common words, then the rarer ones, then made-up words up to `size` in all; the
    /// made-up words depend only on `seed`.
    pub fn new(seed: u64, size: usize) -> Vocab {
        let mut seen: HashSet<String> = HashSet::with_capacity(size);
        let mut words: Vec<String> = Vec::with_capacity(size);
        for w in COMMON.split_whitespace().chain(RARER.split_whitespace()) {
            if words.len() < size && seen.insert(w.to_string()) {
                words.push(w.to_string());
            }
        }
        let mut rng = Rng::stream(seed, 0, 20);
        while words.len() < size {
            let w = made_up_word(&mut rng);
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let zipf = Zipf::new(words.len(), WORD_EXPONENT);
        Vocab { words, zipf }
    }

    /// One word, with Zipf frequency.
    pub fn word(&self, rng: &mut Rng) -> &str {
        &self.words[self.zipf.sample(rng)]
    }

    /// A word for a headline: headlines drop most function words, so those are drawn again
    /// four times in five.
    pub fn title_word(&self, rng: &mut Rng) -> &str {
        loop {
            let r = self.zipf.sample(rng);
            if r >= FUNCTION_WORDS || rng.chance(200) {
                return &self.words[r];
            }
        }
    }
}

// Repeats weight the draws: plain consonants and single vowels most often, as in English.
const ONSETS: &[&str] = &[
    "b", "b", "c", "c", "d", "d", "f", "g", "h", "h", "j", "k", "l", "l", "m", "m", "n", "n", "p",
    "p", "r", "r", "s", "s", "s", "t", "t", "t", "v", "w", "w", "y", "z", "br", "bl", "ch", "cl",
    "cr", "dr", "fl", "fr", "gr", "pl", "pr", "sh", "sl", "st", "th", "tr", "", "", "", "", "",
];
const VOWELS: &[&str] = &[
    "a", "a", "a", "e", "e", "e", "e", "i", "i", "i", "o", "o", "o", "u", "u", "ai", "ea", "ee",
    "oo", "ou", "y",
];
const CODAS: &[&str] = &[
    "", "", "", "", "", "", "", "n", "n", "n", "r", "r", "r", "s", "s", "l", "l", "m", "t", "t",
    "d", "nd", "nt", "st", "ck", "ng", "rt", "x", "th", "ll", "ss", "rd", "lt", "mp",
];
const SUFFIXES: &[&str] = &[
    "ing", "tion", "er", "ers", "ly", "ism", "ness", "ment", "able", "ist", "ed", "es", "ia", "on",
    "ine", "ton", "ford", "ley", "ic", "al",
];

/// A pronounceable made-up word of 1 to 4 syllables, now and then with an English ending:
/// letters in about the proportions of English, so fuzzy matching behaves as on real text.
pub fn made_up_word(rng: &mut Rng) -> String {
    let syllables = match rng.below(20) {
        0..=4 => 1,
        5..=14 => 2,
        15..=18 => 3,
        _ => 4,
    };
    let mut w = String::with_capacity(16);
    for _ in 0..syllables {
        w.push_str(rng.pick(ONSETS));
        w.push_str(rng.pick(VOWELS));
        w.push_str(rng.pick(CODAS));
    }
    if rng.chance(200) {
        w.push_str(rng.pick(SUFFIXES));
    }
    if w.len() < 3 {
        w.push_str(rng.pick(CODAS));
        w.push_str(rng.pick(VOWELS));
    }
    w
}
